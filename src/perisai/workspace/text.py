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
            "ms": "Perbualan {n} ({platform}): risiko {risk}, peringkat {stage}, {signals} isyarat",
            "en": "Conversation {n} ({platform}): risk {risk}, stage {stage}, {signals} signals",
        },
        "ws.report.signal": {"ms": "Isyarat", "en": "Signal"},
        "ws.report.message": {"ms": "Mesej {n}", "en": "Message {n}"},
        "ws.report.identifiers": {"ms": "Pengecam", "en": "Identifiers"},
        "ws.report.links": {"ms": "Laporan berkaitan", "en": "Linked reports"},
        "ws.report.no_links": {"ms": "Tiada laporan berkaitan.", "en": "No linked reports."},
        "ws.report.media": {"ms": "Media dan padanan", "en": "Media and matches"},
        "ws.report.no_media": {"ms": "Tiada fail.", "en": "No files."},
        "ws.report.intel": {"ms": "Risikan IP", "en": "IP intelligence"},
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
        "ws.dash.breaches": {"ms": "Pelanggaran SLA", "en": "SLA breaches"},
        "ws.dash.count": {"ms": "Bilangan", "en": "Count"},
        "ws.dash.review_breached": {"ms": "Semakan lewat", "en": "Review breached"},
        "ws.dash.action_breached": {"ms": "Tindakan lewat", "en": "Action breached"},
        "ws.dash.open": {"ms": "Terbuka", "en": "Open"},
        "home.ws.queue": {"ms": "Baris gilir triaj", "en": "Triage queue"},
        "home.ws.dashboard": {"ms": "Papan pemuka penyelia", "en": "Supervisor dashboard"},
    }
)
