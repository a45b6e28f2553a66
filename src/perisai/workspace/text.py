"""Workspace strings in Bahasa Malaysia and English."""

from __future__ import annotations

from perisai.web.i18n import register

register(
    {
        "ws.queue.title": {"ms": "Baris gilir triaj", "en": "Triage queue"},
        "ws.queue.caption": {
            "ms": "Laporan mengikut keutamaan, kemudian tarikh akhir semakan SLA",
            "en": "Reports by priority, then SLA review due time",
        },
        "ws.queue.empty": {"ms": "Tiada laporan dalam baris gilir.", "en": "The queue is empty."},
        "ws.queue.more": {"ms": "Halaman seterusnya", "en": "Next page"},
        "ws.queue.prev": {"ms": "Halaman sebelumnya", "en": "Previous page"},
        "ws.queue.pages": {"ms": "Halaman baris gilir", "en": "Queue pages"},
        "ws.queue.showing": {
            "ms": "Laporan {first}–{last} daripada {total}",
            "en": "Reports {first}–{last} of {total}",
        },
        "ws.queue.showing_many": {
            "ms": "Laporan {first}–{last} daripada lebih {cap}",
            "en": "Reports {first}–{last} of more than {cap}",
        },
        "ws.queue.showing_far": {
            "ms": "Laporan selepas {cap} yang pertama",
            "en": "Reports past the first {cap}",
        },
        "ws.queue.no_match": {
            "ms": "Tiada laporan sepadan dengan tapisan ini.",
            "en": "No report matches these filters.",
        },
        "ws.filter.title": {"ms": "Cari dan tapis", "en": "Search and filter"},
        "ws.filter.search": {"ms": "Cari", "en": "Search"},
        "ws.filter.search_hint": {
            "ms": "ID laporan atau kes, pengecam (telefon, e-mel, nama pengguna) atau teks; "
            "huruf besar atau kecil tidak penting.",
            "en": "Report or case id, an identifier (phone, email, username) or text; "
            "upper or lower case does not matter.",
        },
        "ws.filter.any": {"ms": "Semua", "en": "Any"},
        "ws.filter.no_case": {"ms": "Belum dalam kes", "en": "In no case yet"},
        "ws.filter.submit": {"ms": "Tapis", "en": "Filter"},
        "ws.filter.clear": {"ms": "Kosongkan tapisan", "en": "Clear the filters"},
        "ws.status.open": {"ms": "Terbuka", "en": "Open"},
        "ws.status.unreviewed": {"ms": "Belum disemak", "en": "Not reviewed"},
        "ws.status.overdue": {"ms": "Semakan lewat", "en": "Review overdue"},
        "ws.status.reviewed": {"ms": "Sudah disemak", "en": "Reviewed"},
        "ws.status.all": {"ms": "Semua (termasuk selesai)", "en": "All (done included)"},
        "ws.queue.live": {
            "ms": "Baris gilir dikemas kini secara langsung.",
            "en": "The queue updates live.",
        },
        "ws.col.priority": {"ms": "Keutamaan", "en": "Priority"},
        "ws.col.report": {"ms": "Laporan", "en": "Report"},
        "ws.col.incident": {"ms": "Jenis insiden", "en": "Incident type"},
        "ws.col.reason": {"ms": "Sebab utama", "en": "Main reason"},
        "ws.col.received": {"ms": "Diterima", "en": "Received"},
        "ws.col.review_due": {"ms": "Semakan sebelum", "en": "Review due"},
        "ws.overdue": {"ms": "lewat", "en": "overdue"},
        "ws.overridden": {"ms": "diubah", "en": "overridden"},
        "ws.reviewed": {"ms": "disemak", "en": "reviewed"},
        "ws.report.title": {"ms": "Laporan {id}", "en": "Report {id}"},
        "ws.report.not_triaged": {
            "ms": "Laporan ini belum ditriaj.",
            "en": "This report has not been triaged yet.",
        },
        "ws.report.reasons": {"ms": "Sebab keutamaan", "en": "Priority reasons"},
        "ws.report.override": {
            "ms": "Keutamaan diubah: {reason}",
            "en": "Priority overridden: {reason}",
        },
        "ws.report.summary": {"ms": "Ringkasan", "en": "Summary"},
        "ws.report.escalation": {"ms": "Eskalasi", "en": "Escalation"},
        "ws.report.victims": {
            "ms": "Mangsa dinamakan: {n} (identiti hanya untuk pegawai yang ditugaskan)",
            "en": "Victims named: {n} (identity only for assigned officers)",
        },
        "ws.report.conversations": {"ms": "Perbualan", "en": "Conversations"},
        "ws.report.conversation": {
            "ms": "Perbualan {n} ({platform}): risiko {risk}, peringkat {stage}, "
            "{signals} isyarat suspek",
            "en": "Conversation {n} ({platform}): risk {risk}, stage {stage}, "
            "{signals} signals of the suspect",
        },
        "ws.report.signal": {"ms": "Isyarat", "en": "Signal"},
        "ws.report.message": {"ms": "Mesej {n}", "en": "Message {n}"},
        "ws.report.identifiers": {"ms": "Pengecam", "en": "Identifiers"},
        "ws.report.links": {"ms": "Laporan berkaitan", "en": "Linked reports"},
        "ws.report.no_links": {"ms": "Tiada laporan berkaitan.", "en": "No linked reports."},
        "ws.report.media": {"ms": "Media dan padanan", "en": "Media and matches"},
        "ws.report.no_match": {
            "ms": "Tiada padanan tepat dalam bank hash.",
            "en": "No exact match in the hash banks.",
        },
        "ws.report.no_media": {"ms": "Tiada fail.", "en": "No files."},
        "ws.match.in_bank": {"ms": "{signal} dalam bank {bank}", "en": "{signal} in bank {bank}"},
        "ws.match.bits": {"ms": "{n} bit berbeza", "en": "{n} bits"},
        "ws.match.frames": {"ms": "{pct}% bingkai", "en": "{pct}% of frames"},
        "ws.match.as_stored": {
            "ms": "seperti disimpan, orientasi EXIF diabaikan",
            "en": "as stored, EXIF orientation ignored",
        },
        "ws.match.negative": {"ms": "bank diketahui tidak berbahaya", "en": "known-benign bank"},
        "ws.match.suppressed": {
            "ms": "dibatalkan oleh padanan tidak berbahaya",
            "en": "voided by a known-benign match",
        },
        "ws.report.pdq_raw": {
            "ms": "PDQ seperti disimpan (orientasi EXIF diabaikan)",
            "en": "PDQ as stored (EXIF orientation ignored)",
        },
        "ws.report.intel": {"ms": "Risikan IP", "en": "IP intelligence"},
        "ws.intel.failed": {"ms": "Carian gagal", "en": "Lookup failed"},
        "ws.intel.nothing": {"ms": "Tiada apa-apa diketahui", "en": "Nothing known"},
        "ws.intel.flag_source": {"ms": "menurut {source}, {date}", "en": "per {source}, {date}"},
        "ws.report.no_intel": {
            "ms": "Tiada risikan IP disimpan.",
            "en": "No IP intelligence stored.",
        },
        "ws.report.urls": {"ms": "URL", "en": "URLs"},
        "ws.col.kind": {"ms": "Jenis", "en": "Kind"},
        "ws.col.value": {"ms": "Nilai", "en": "Value"},
        "ws.col.ip": {"ms": "IP", "en": "IP"},
        "ws.col.event": {"ms": "Peristiwa", "en": "Event"},
        "ws.col.at": {"ms": "Masa", "en": "Time"},
        "ws.col.answer": {"ms": "Jawapan", "en": "Answer"},
        "ws.col.file": {"ms": "Fail", "en": "File"},
        "ws.col.preview": {"ms": "Pratonton", "en": "Preview"},
        "ws.evidence.alt": {
            "ms": "Pratonton kabur dan kelabu bagi {name}",
            "en": "Blurred greyscale preview of {name}",
        },
        "ws.evidence.revealed_alt": {
            "ms": "Paparan kelabu bagi {name} (didedahkan, diaudit)",
            "en": "Greyscale view of {name} (revealed, audited)",
        },
        "ws.evidence.reveal": {"ms": "Dedahkan (diaudit)", "en": "Reveal (audited)"},
        "ws.evidence.not_uploaded": {"ms": "Belum dimuat naik", "en": "Not uploaded yet"},
        "ws.evidence.unpreviewable": {
            "ms": "Tiada pratonton untuk fail ini.",
            "en": "No preview for this file.",
        },
        "ws.dash.title": {"ms": "Papan pemuka penyelia", "en": "Supervisor dashboard"},
        "ws.dash.review": {
            "ms": "Masa hingga semakan (minit) mengikut keutamaan",
            "en": "Time to review (minutes) by priority",
        },
        "ws.dash.action": {
            "ms": "Masa hingga tindakan (minit) mengikut keutamaan",
            "en": "Time to action (minutes) by priority",
        },
        "ws.dash.agency_action": {
            "ms": "Masa dari penerimaan hingga rujukan (minit) mengikut agensi",
            "en": "Time from intake to referral (minutes) by agency",
        },
        "ws.dash.agency_response": {
            "ms": "Masa agensi menjawab rujukan (minit)",
            "en": "Time for the agency to answer a referral (minutes)",
        },
        "ws.dash.agencies": {"ms": "Mengikut agensi", "en": "By agency"},
        "ws.dash.pending": {"ms": "Belum dijawab", "en": "Unanswered"},
        "ws.dash.breaches": {"ms": "Pelanggaran SLA", "en": "SLA breaches"},
        "ws.dash.count": {"ms": "Bilangan", "en": "Count"},
        "ws.dash.review_breached": {"ms": "Semakan lewat", "en": "Review breached"},
        "ws.dash.action_breached": {"ms": "Tindakan lewat", "en": "Action breached"},
        "ws.dash.open": {"ms": "Terbuka", "en": "Open"},
        "home.ws.cases": {"ms": "Kes", "en": "Cases"},
        "ws.cases.title": {"ms": "Kes", "en": "Cases"},
        "ws.cases.caption": {
            "ms": "Kes yang agensi anda boleh lihat, mengikut keutamaan",
            "en": "Cases your agency may see, by priority",
        },
        "ws.cases.empty": {"ms": "Tiada kes.", "en": "No cases."},
        "ws.col.case": {"ms": "Kes", "en": "Case"},
        "ws.col.title": {"ms": "Tajuk", "en": "Title"},
        "ws.col.status": {"ms": "Status", "en": "Status"},
        "ws.col.agencies": {"ms": "Agensi", "en": "Agencies"},
        "ws.case.title": {"ms": "Kes {id}", "en": "Case {id}"},
        "ws.case.reports": {"ms": "Laporan dalam kes", "en": "Reports in the case"},
        "ws.case.victims": {"ms": "Identiti mangsa (diaudit)", "en": "Victim identity (audited)"},
        "ws.case.victims_hidden": {
            "ms": "Identiti mangsa hanya untuk pekerja kes JKM dan penyiasat PDRM yang diberi "
            "akses pada kes ini.",
            "en": "Victim identity is only for the JKM caseworkers and PDRM investigators granted "
            "access on this case.",
        },
        "ws.case.victim_access": {
            "ms": "Siapa boleh melihat identiti mangsa",
            "en": "Who may see the victims' identity",
        },
        "ws.case.victim_access_none": {"ms": "Tiada sesiapa.", "en": "Nobody."},
        "ws.case.grant_person": {
            "ms": "Beri akses identiti mangsa kepada",
            "en": "Grant access to the victims' identity to",
        },
        "ws.case.grant_reason": {"ms": "Sebab (diaudit)", "en": "Reason (audited)"},
        "ws.case.grant": {"ms": "Beri akses", "en": "Grant access"},
        "ws.case.revoke_reason": {
            "ms": "Sebab menarik balik akses (diaudit)",
            "en": "Reason for revoking access (audited)",
        },
        "ws.case.revoke": {"ms": "Tarik balik akses", "en": "Revoke access"},
        "ws.case.referrals": {"ms": "Rujukan", "en": "Referrals"},
        "ws.case.assignments": {"ms": "Tugasan", "en": "Assignments"},
        "ws.case.accept": {"ms": "Terima rujukan", "en": "Accept referral"},
        "ws.case.decline": {"ms": "Tolak rujukan", "en": "Decline referral"},
        "ws.case.note": {"ms": "Catatan", "en": "Notes"},
        "ws.case.add_note": {"ms": "Tambah catatan", "en": "Add note"},
        "ws.case.tasks": {"ms": "Tugas", "en": "Tasks"},
        "ws.case.add_task": {"ms": "Tambah tugas", "en": "Add task"},
        "ws.case.due": {"ms": "Tarikh akhir", "en": "Due date"},
        "ws.case.takedowns": {"ms": "Notis turun", "en": "Takedown notices"},
        "ws.case.mark_done": {"ms": "Tandakan selesai", "en": "Mark done"},
        "ws.case.removed": {"ms": "Sahkan telah dibuang", "en": "Confirm removed"},
        "ws.case.deadline": {"ms": "tarikh akhir", "en": "deadline"},
        "ws.case.platform": {"ms": "Platform", "en": "Platform"},
        "ws.case.send_takedown": {"ms": "Hantar notis turun", "en": "Send takedown notice"},
        "ws.case.timeline": {"ms": "Garis masa", "en": "Timeline"},
        "ws.case.none": {"ms": "Tiada.", "en": "None."},
        "ws.case.done": {"ms": "selesai", "en": "done"},
        "ws.refer.title": {"ms": "Rujuk kepada agensi", "en": "Refer to an agency"},
        "ws.refer.agency": {"ms": "Agensi", "en": "Agency"},
        "ws.refer.reason": {"ms": "Sebab rujukan", "en": "Reason for referral"},
        "ws.refer.submit": {"ms": "Rujuk", "en": "Refer"},
        "ws.report.case": {"ms": "Dalam kes {id}", "en": "In case {id}"},
        "ws.report.mark_reviewed": {"ms": "Tandakan sudah disemak", "en": "Mark as reviewed"},
        "ws.col.name": {"ms": "Nama", "en": "Name"},
        "ws.col.age": {"ms": "Umur", "en": "Age"},
        "ws.col.contact": {"ms": "Hubungan", "en": "Contact"},
        "ws.override.title": {"ms": "Ubah keutamaan", "en": "Override priority"},
        "ws.override.reason": {"ms": "Sebab bertulis (diaudit)", "en": "Written reason (audited)"},
        "ws.override.submit": {"ms": "Ubah", "en": "Override"},
        "ws.case.lead": {"ms": "Agensi utama", "en": "Lead agency"},
        "ws.case.print": {
            "ms": "Paparan cetak / eksport (diaudit)",
            "en": "Print / export view (audited)",
        },
        "ws.case.split": {"ms": "Pecahkan kes", "en": "Split the case"},
        "ws.case.split_hint": {
            "ms": "Laporan yang dipilih dipindahkan ke kes baharu dengan akses yang sama.",
            "en": "The chosen reports move to a new case with the same access.",
        },
        "ws.case.new_title": {"ms": "Tajuk kes baharu", "en": "Title of the new case"},
        "ws.case.split_submit": {"ms": "Pecahkan", "en": "Split"},
        "ws.case.merge": {
            "ms": "Gabungkan kes lain ke dalam kes ini",
            "en": "Merge other cases into this one",
        },
        "ws.case.merge_hint": {
            "ms": "ID kes, dipisahkan dengan koma. Laporan dan kerja mereka dipindahkan ke {id}; "
            "kes itu ditutup sebagai digabungkan.",
            "en": "Case ids, separated by commas. Their reports and work move to {id}; those "
            "cases are closed as merged.",
        },
        "ws.case.merge_submit": {"ms": "Gabungkan", "en": "Merge"},
        "ws.case.assign_person": {"ms": "Tugaskan seseorang", "en": "Assign a person"},
        "ws.case.assign_agency": {"ms": "Tugaskan agensi", "en": "Assign an agency"},
        "ws.case.make_lead": {"ms": "Jadikan agensi utama", "en": "Make it the lead agency"},
        "ws.case.assign": {"ms": "Tugaskan", "en": "Assign"},
        "ws.case.state": {"ms": "Status dan penutupan", "en": "Status and closing"},
        "ws.case.new_status": {"ms": "Status baharu", "en": "New status"},
        "ws.case.change_status": {"ms": "Tukar status", "en": "Change status"},
        "ws.case.outcome": {"ms": "Keputusan", "en": "Outcome"},
        "ws.case.close": {"ms": "Tutup kes", "en": "Close the case"},
        "ws.case.reopen_reason": {
            "ms": "Sebab membuka semula (diaudit)",
            "en": "Reason for reopening (audited)",
        },
        "ws.case.reopen": {"ms": "Buka semula kes", "en": "Reopen the case"},
        "ws.case.system": {"ms": "Sistem", "en": "System"},
        "ws.print.made": {
            "ms": "Dicetak {at} oleh {name}",
            "en": "Printed {at} by {name}",
        },
        "ws.print.back": {"ms": "Kembali ke kes", "en": "Back to the case"},
        "ws.print.how": {
            "ms": "Gunakan Cetak pelayar (Ctrl+P) untuk kertas atau PDF.",
            "en": "Use the browser's Print (Ctrl+P) for paper or PDF.",
        },
        "ws.done.referred": {"ms": "Rujukan dihantar.", "en": "Referral sent."},
        "ws.done.answered": {"ms": "Jawapan rujukan disimpan.", "en": "Referral answered."},
        "ws.done.note": {"ms": "Catatan ditambah.", "en": "Note added."},
        "ws.done.task": {"ms": "Tugas ditambah.", "en": "Task added."},
        "ws.done.task_done": {"ms": "Tugas ditandakan selesai.", "en": "Task marked done."},
        "ws.done.takedown": {"ms": "Notis turun dihantar.", "en": "Takedown notice sent."},
        "ws.done.removed": {"ms": "Pembuangan disahkan.", "en": "Removal confirmed."},
        "ws.done.assigned": {"ms": "Tugasan disimpan.", "en": "Assignment saved."},
        "ws.done.status": {"ms": "Status ditukar.", "en": "Status changed."},
        "ws.done.closed": {"ms": "Kes ditutup.", "en": "Case closed."},
        "ws.done.reopened": {"ms": "Kes dibuka semula.", "en": "Case reopened."},
        "ws.done.granted": {
            "ms": "Akses identiti mangsa diberi.",
            "en": "Access to the victims' identity granted.",
        },
        "ws.done.revoked": {
            "ms": "Akses identiti mangsa ditarik balik.",
            "en": "Access to the victims' identity revoked.",
        },
        "ws.done.merged": {
            "ms": "Kes digabungkan ke dalam kes ini.",
            "en": "Cases merged into this one.",
        },
        "ws.done.split": {
            "ms": "Kes baharu ini dipecahkan daripada kes asal.",
            "en": "This new case was split from the original.",
        },
        "ws.done.reviewed": {
            "ms": "Laporan ditandakan sudah disemak.",
            "en": "Report marked as reviewed.",
        },
        "ws.done.overridden": {
            "ms": "Keutamaan diubah; sebab anda di atas senarai.",
            "en": "Priority overridden; your reason heads the list.",
        },
        "ws.report.actions": {"ms": "Tindakan", "en": "Actions"},
        "ws.report.to_actions": {"ms": "Pergi ke tindakan", "en": "Go to the actions"},
        "ws.dash.window": {"ms": "Tempoh", "en": "Time window"},
        "ws.dash.window.1": {"ms": "24 jam lepas", "en": "Last 24 hours"},
        "ws.dash.window.7": {"ms": "7 hari lepas", "en": "Last 7 days"},
        "ws.dash.window.30": {"ms": "30 hari lepas", "en": "Last 30 days"},
        "ws.dash.window.90": {"ms": "90 hari lepas", "en": "Last 90 days"},
        "ws.dash.window.all": {"ms": "Semua masa", "en": "All time"},
        "ws.dash.show": {"ms": "Tunjuk", "en": "Show"},
        "ws.dash.since": {
            "ms": "Laporan diterima sejak {at}. Baki kerja ialah keadaan sekarang.",
            "en": "Reports received since {at}. The backlog is as it stands now.",
        },
        "ws.dash.backlog": {"ms": "Baki kerja sekarang", "en": "Backlog now"},
        "ws.dash.backlog_caption": {
            "ms": "Laporan yang menunggu semakan atau tindakan, mengikut keutamaan",
            "en": "Reports waiting for review or action, by priority",
        },
        "ws.dash.unreviewed": {"ms": "Belum disemak", "en": "Not reviewed"},
        "ws.dash.review_overdue": {"ms": "Semakan lewat", "en": "Review overdue"},
        "ws.dash.awaiting_action": {"ms": "Menunggu tindakan", "en": "Awaiting action"},
        "ws.dash.action_overdue": {"ms": "Tindakan lewat", "en": "Action overdue"},
        "ws.dash.oldest": {"ms": "Paling lama menunggu (minit)", "en": "Longest waiting (minutes)"},
        "ws.dash.no_backlog": {"ms": "Tiada yang menunggu.", "en": "Nothing is waiting."},
        "ws.dash.targets": {"ms": "Sasaran SLA", "en": "SLA targets"},
        "ws.dash.targets_caption": {
            "ms": "Sasaran (minit dari penerimaan) dan bahagian yang mencapainya dalam tempoh ini",
            "en": "Targets (minutes from intake) and the share met in this window",
        },
        "ws.dash.review_target": {"ms": "Sasaran semakan", "en": "Review target"},
        "ws.dash.review_met": {"ms": "Semakan dalam sasaran", "en": "Reviews within target"},
        "ws.dash.action_target": {"ms": "Sasaran tindakan", "en": "Action target"},
        "ws.dash.action_met": {"ms": "Tindakan dalam sasaran", "en": "Actions within target"},
        "ws.dash.no_target": {"ms": "tiada sasaran", "en": "no target"},
        "home.ws.audit": {"ms": "Log audit", "en": "Audit log"},
        "ws.audit.title": {"ms": "Log audit", "en": "Audit log"},
        "ws.audit.chain": {"ms": "Rantaian hash", "en": "Hash chain"},
        "ws.audit.intact": {
            "ms": "Rantaian utuh: {n} entri disemak.",
            "en": "The chain is intact: {n} entries checked.",
        },
        "ws.audit.anchored": {
            "ms": "Selaras dengan {n} kepala bertandatangan (terbaru {at}).",
            "en": "It agrees with {n} signed heads (the newest {at}).",
        },
        "ws.audit.no_heads": {
            "ms": "Belum ada kepala bertandatangan disimpan.",
            "en": "No signed head is stored yet.",
        },
        "ws.audit.broken_at": {
            "ms": "RANTAIAN ROSAK pada entri {id}.",
            "en": "THE CHAIN IS BROKEN at entry {id}.",
        },
        "ws.audit.broken": {"ms": "RANTAIAN ROSAK.", "en": "THE CHAIN IS BROKEN."},
        "ws.audit.checked": {"ms": "Disemak {at} oleh {name}", "en": "Checked {at} by {name}"},
        "ws.audit.detail": {"ms": "Butiran teknikal", "en": "Technical detail"},
        "ws.audit.never": {
            "ms": "Rantaian belum pernah disemak dari halaman ini.",
            "en": "The chain has not been checked from this page yet.",
        },
        "ws.audit.verify": {
            "ms": "Semak rantaian sekarang (diaudit)",
            "en": "Check the chain now (audited)",
        },
        "ws.audit.action": {"ms": "Tindakan", "en": "Action"},
        "ws.audit.action_hint": {
            "ms": "Kod atau permulaannya, contoh: case. atau victim.read",
            "en": "A code or its start, e.g. case. or victim.read",
        },
        "ws.audit.actor": {"ms": "Pelaku", "en": "Actor"},
        "ws.audit.object": {"ms": "Objek", "en": "Object"},
        "ws.audit.text": {"ms": "Teks dalam butiran", "en": "Text in the details"},
        "ws.audit.since": {"ms": "Dari tarikh", "en": "From date"},
        "ws.audit.until": {"ms": "Hingga tarikh", "en": "Until date"},
        "ws.audit.details": {"ms": "Butiran", "en": "Details"},
        "ws.audit.count": {"ms": "{n} entri sepadan.", "en": "{n} matching entries."},
        "ws.audit.caption": {
            "ms": "Entri log audit, terbaru dahulu",
            "en": "Audit log entries, newest first",
        },
        "ws.audit.none": {"ms": "Tiada entri sepadan.", "en": "No matching entry."},
        "ws.audit.newer": {"ms": "Entri lebih baharu", "en": "Newer entries"},
        "ws.audit.older": {"ms": "Entri lebih lama", "en": "Older entries"},
        "home.ws.users": {"ms": "Akaun kakitangan", "en": "Staff accounts"},
        "ws.users.title": {"ms": "Akaun kakitangan", "en": "Staff accounts"},
        "ws.users.search": {"ms": "Nama atau e-mel", "en": "Name or email"},
        "ws.users.role": {"ms": "Peranan", "en": "Role"},
        "ws.users.caption": {
            "ms": "Akaun kakitangan mengikut agensi",
            "en": "Staff accounts by agency",
        },
        "ws.users.last_login": {"ms": "Log masuk terakhir", "en": "Last login"},
        "ws.users.none": {"ms": "Tiada akaun sepadan.", "en": "No matching account."},
        "ws.users.active": {"ms": "Aktif", "en": "Active"},
        "ws.users.disabled": {"ms": "Dinyahaktifkan", "en": "Disabled"},
        "ws.users.locked": {"ms": "Dikunci", "en": "Locked"},
        "ws.users.not_enrolled": {"ms": "TOTP belum didaftarkan", "en": "TOTP not enrolled"},
        "ws.users.reset_pending": {
            "ms": "Kod set semula kata laluan dikeluarkan",
            "en": "Password reset code issued",
        },
        "ws.users.back": {"ms": "Kembali ke senarai akaun", "en": "Back to the accounts"},
        "ws.users.disable": {"ms": "Nyahaktifkan akaun", "en": "Disable the account"},
        "ws.users.enable": {"ms": "Aktifkan semula akaun", "en": "Enable the account"},
        "ws.users.unlock": {"ms": "Buka kunci log masuk", "en": "Unlock logins"},
        "ws.users.reset_password": {
            "ms": "Set semula kata laluan (kod sekali guna)",
            "en": "Reset the password (one-time code)",
        },
        "ws.users.reset_password_hint": {
            "ms": "Kata laluan lama berhenti berfungsi. Berikan kod kepada pemilik akaun secara "
            "bersemuka atau melalui telefon, bukan e-mel; sah 24 jam.",
            "en": "The old password stops working. Give the code to the account's owner in "
            "person or by phone, not by email; it is valid for 24 hours.",
        },
        "ws.users.reset_totp": {"ms": "Set semula TOTP", "en": "Reset TOTP"},
        "ws.users.reset_totp_hint": {
            "ms": "Pemilik akaun mendaftar semula aplikasi pengesah pada log masuk seterusnya.",
            "en": "The owner enrols their authenticator app again at their next login.",
        },
        "ws.users.change_role": {"ms": "Tukar peranan dan agensi", "en": "Change role and agency"},
        "ws.users.save_role": {"ms": "Simpan", "en": "Save"},
        "ws.users.sessions_end": {
            "ms": "Sesi pengguna ini ditamatkan; kebenaran baharu berkuat kuasa pada log masuk "
            "seterusnya.",
            "en": "This user's sessions end; the new permissions apply from their next login.",
        },
        "ws.users.code_title": {
            "ms": "Kod set semula (ditunjukkan sekali)",
            "en": "Reset code (shown once)",
        },
        "ws.users.code_help": {
            "ms": "Berikan kod ini kepada {email}. Mereka membuka /login/reset, memasukkan e-mel, "
            "kod ini dan kata laluan baharu.",
            "en": "Give this code to {email}. They open /login/reset and enter their email, this "
            "code and a new password.",
        },
        "ws.users.refused": {"ms": "Tidak dilakukan: {reason}", "en": "Not done: {reason}"},
        "ws.users.done.disabled": {
            "ms": "Akaun dinyahaktifkan; sesinya ditamatkan.",
            "en": "Account disabled; its sessions ended.",
        },
        "ws.users.done.enabled": {"ms": "Akaun diaktifkan semula.", "en": "Account enabled."},
        "ws.users.done.unlocked": {"ms": "Log masuk dibuka kunci.", "en": "Logins unlocked."},
        "ws.users.done.totp": {
            "ms": "TOTP diset semula; pendaftaran semula pada log masuk seterusnya.",
            "en": "TOTP reset; the user enrols again at the next login.",
        },
        "ws.users.done.role": {
            "ms": "Peranan dan agensi disimpan; sesi ditamatkan.",
            "en": "Role and agency saved; sessions ended.",
        },
        "ws.users.done.password": {"ms": "Kod dikeluarkan.", "en": "Code issued."},
        "reset.title": {"ms": "Set semula kata laluan", "en": "Reset your password"},
        "reset.help": {
            "ms": "Masukkan kod sekali guna yang diberikan oleh pentadbir anda. Tiada pautan "
            "set semula dihantar melalui e-mel.",
            "en": "Enter the one-time code your administrator gave you. No reset link is sent "
            "by email.",
        },
        "reset.link": {
            "ms": "Terlupa kata laluan? Gunakan kod daripada pentadbir anda",
            "en": "Forgot your password? Use a code from your administrator",
        },
        "reset.code": {"ms": "Kod daripada pentadbir", "en": "Code from the administrator"},
        "reset.password": {
            "ms": "Kata laluan baharu (sekurang-kurangnya 12 aksara)",
            "en": "New password (at least 12 characters)",
        },
        "reset.password_again": {
            "ms": "Kata laluan baharu sekali lagi",
            "en": "The new password again",
        },
        "reset.submit": {"ms": "Simpan kata laluan", "en": "Save the password"},
        "reset.mismatch": {
            "ms": "Kedua-dua kata laluan tidak sama.",
            "en": "The two passwords are not the same.",
        },
        "reset.weak": {
            "ms": "Kata laluan mesti antara 12 dan 1024 aksara.",
            "en": "The password must be 12 to 1024 characters long.",
        },
        "reset.refused": {
            "ms": "E-mel atau kod salah, atau kod telah tamat tempoh. Minta kod baharu "
            "daripada pentadbir.",
            "en": "The email or the code is wrong, or the code has expired. Ask your "
            "administrator for a new one.",
        },
        "reset.done": {
            "ms": "Kata laluan baharu disimpan. Sila log masuk.",
            "en": "Your new password is saved. Please log in.",
        },
        "ws.report.flagged": {
            "ms": "Ditanda: risiko mesej {suspect} mencapai ambang penandaan enjin.",
            "en": "Flagged: the risk of {suspect}'s messages reached the engine's flag threshold.",
        },
        "ws.report.below_threshold": {
            "ms": "Tidak ditanda: isyarat ditemui dalam mesej {suspect}, tetapi gabungannya "
            "belum mencapai ambang penandaan enjin; semak isyarat yang diserlahkan.",
            "en": "Not flagged: signals were found in {suspect}'s messages, but together they "
            "do not reach the engine's flag threshold; read the highlighted signals.",
        },
        "ws.report.no_signals": {
            "ms": "Tiada isyarat dandanan ditemui.",
            "en": "No grooming signal found.",
        },
        "ws.report.not_scored": {
            "ms": "Perbualan ini tidak dapat dinilai.",
            "en": "This conversation could not be assessed.",
        },
        "ws.report.other_signals": {
            "ms": "{n} isyarat lain dalam mesej peserta lain diserlahkan bergaris putus-putus; "
            "ia tidak dikira dalam risiko.",
            "en": "{n} other signal(s) in other participants' messages are highlighted with a "
            "dashed line; they do not count towards the risk.",
        },
        # The grooming engine's learned layer: whole messages that read like an indicator.
        "ws.report.learned_label": {"ms": "Lapisan terlatih", "en": "Learned layer"},
        "ws.report.learned_unlisted": {
            "ms": "berbunyi seperti tanda amaran yang tiada dalam senarai kata "
            "(kebarangkalian {p}); baca mesej ini sendiri",
            "en": "reads like a warning sign the word list does not know "
            "(probability {p}); read the message yourself",
        },
        "ws.report.learned_also": {
            "ms": "turut berbunyi seperti tanda amaran (kebarangkalian {p})",
            "en": "also reads like a warning sign (probability {p})",
        },
        "ws.report.learned_counted": {
            "ms": "Lapisan terlatih mengira {n} mesej {suspect} sebagai bukti (bertanda "
            "“Lapisan terlatih” dan bergaris tepi ungu); ia termasuk dalam risiko ini, tetapi "
            "hanya kerana senarai kata menemui isyarat daripada orang yang sama.",
            "en": "The learned layer counted {n} of {suspect}'s messages as evidence (labelled "
            "“Learned layer”, with a purple edge); they are part of this risk, but only because "
            "the word list found signals from the same person.",
        },
        "ws.report.learned_not_recorded": {
            "ms": "Penilaian ini disimpan sebelum hasil lapisan terlatih direkodkan: hanya "
            "isyarat senarai kata ditunjukkan.",
            "en": "This assessment was stored before the learned layer's hits were recorded: "
            "only the word list's signals are shown.",
        },
        # When the suspect wrote (perisai.grooming.timing): context, not part of the risk.
        "ws.report.timing": {"ms": "Masa mesej", "en": "When they wrote"},
        "ws.report.timing_night": {
            "ms": "{n} daripada {timed} mesej {suspect} yang ada masa dihantar lewat malam "
            "(22:00–06:00 MYT): mesej {messages}.",
            "en": "{n} of {suspect}'s {timed} timed messages were sent late at night "
            "(22:00–06:00 MYT): messages {messages}.",
        },
        "ws.report.timing_bursts": {
            "ms": "Deretan 4 mesej atau lebih dalam 2 minit: mesej {runs}.",
            "en": "Bursts of 4 or more messages within 2 minutes: messages {runs}.",
        },
        "ws.report.timing_context": {
            "ms": "Ini konteks untuk pembaca: ia tidak dikira dalam angka risiko.",
            "en": "This is context for the reader: it is not counted in the risk figure.",
        },
        "home.ws.queue": {"ms": "Baris gilir triaj", "en": "Triage queue"},
        "home.ws.dashboard": {"ms": "Papan pemuka penyelia", "en": "Supervisor dashboard"},
    }
)
