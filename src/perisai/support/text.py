"""Support's words in Malay and English: staff pages, the child's own view, errors."""

from __future__ import annotations

from perisai.web.i18n import register

register(
    {
        # --- errors (services raise these keys; pages and the API translate them) -------------
        "support.err.not_found": {
            "ms": "Pelan sokongan ini tiada, atau anda tidak dibenarkan melihatnya.",
            "en": "This support plan does not exist, or you may not see it.",
        },
        "support.err.not_permitted": {
            "ms": "Peranan atau agensi anda tidak membenarkan tindakan ini pada pelan ini.",
            "en": "Your role or agency does not allow this action on this plan.",
        },
        "support.err.victim": {
            "ms": "Tiada rekod mangsa dengan rujukan itu.",
            "en": "No victim record has that reference.",
        },
        "support.err.closed": {
            "ms": "Pelan ini sudah ditutup.",
            "en": "This plan is closed.",
        },
        "support.err.agency": {"ms": "Agensi tidak dikenali.", "en": "Unknown agency."},
        "support.err.user": {
            "ms": "Pengguna itu tiada, tidak aktif, atau bukan dari agensi yang betul.",
            "en": "That user does not exist, is not active, or is not of the right agency.",
        },
        "support.err.area": {
            "ms": "Bidang keperluan tidak dikenali.",
            "en": "Unknown area of need.",
        },
        "support.err.level": {
            "ms": "Tahap keperluan tidak dikenali.",
            "en": "Unknown level of need.",
        },
        "support.err.kind": {
            "ms": "Jenis perkhidmatan tidak dikenali.",
            "en": "Unknown kind of service.",
        },
        "support.err.status": {"ms": "Status tidak dikenali.", "en": "Unknown status."},
        "support.err.provider": {
            "ms": "Namakan pemberi perkhidmatan (paling banyak 200 aksara), cth. OSCC Hospital "
            "Kuala Lumpur.",
            "en": "Name the provider (at most 200 characters), e.g. OSCC Hospital Kuala Lumpur.",
        },
        "support.err.before_referral": {
            "ms": "Hubungan tidak boleh berlaku sebelum rujukan.",
            "en": "A contact cannot come before the referral.",
        },
        "support.err.note": {
            "ms": "Catatan mesti antara 1 dan 8000 aksara.",
            "en": "A note must be 1 to 8000 characters.",
        },
        "support.err.no_safety_check": {
            "ms": "Tiada semakan keselamatan yang perlu dibuat.",
            "en": "No safety check is due.",
        },
        "support.err.interviewer": {
            "ms": "Namakan penemu duga (paling banyak 300 aksara).",
            "en": "Name the interviewer (at most 300 characters).",
        },
        "support.err.recording": {
            "ms": "Nyatakan di mana rakaman disimpan (paling banyak 300 aksara).",
            "en": "Say where the recording is held (at most 300 characters).",
        },
        "support.err.reason": {
            "ms": "Temu duga kedua memerlukan sebab bertulis (sekurang-kurangnya 20 aksara).",
            "en": "A second interview needs a written reason (at least 20 characters).",
        },
        "support.err.not_awaiting": {
            "ms": "Temu duga ini tidak menunggu kelulusan.",
            "en": "This interview is not awaiting approval.",
        },
        "support.err.not_scheduled": {
            "ms": "Temu duga ini tidak dijadualkan.",
            "en": "This interview is not scheduled.",
        },
        "support.err.lang": {"ms": "Bahasa tidak dikenali.", "en": "Unknown language."},
        "support.err.contact": {
            "ms": "Jika anak bersetuju melihat cara menghubungi pegawai kes, tulis caranya "
            "(paling banyak 300 aksara).",
            "en": "If the child agreed to see how to reach their caseworker, write how "
            "(at most 300 characters).",
        },
        "support.err.date": {
            "ms": "Masukkan tarikh dan masa sebenar (TTTT-BB-HH JJ:MM, waktu Malaysia).",
            "en": "Enter a real date and time (YYYY-MM-DD HH:MM, Malaysia time).",
        },
        # --- names of things -----------------------------------------------------------------
        "support.area.safety": {"ms": "Keselamatan", "en": "Safety"},
        "support.area.medical": {"ms": "Perubatan", "en": "Medical"},
        "support.area.counselling": {"ms": "Kaunseling", "en": "Counselling"},
        "support.area.legal": {"ms": "Undang-undang", "en": "Legal"},
        "support.area.school": {"ms": "Sekolah", "en": "School"},
        "support.area.family": {"ms": "Keluarga", "en": "Family"},
        "support.level.none": {"ms": "Tiada", "en": "None"},
        "support.level.low": {"ms": "Rendah", "en": "Low"},
        "support.level.medium": {"ms": "Sederhana", "en": "Medium"},
        "support.level.high": {"ms": "Tinggi", "en": "High"},
        "support.level.unassessed": {"ms": "Belum dinilai", "en": "Not assessed"},
        "support.kind.jkm": {"ms": "Pelindung Kanak-kanak JKM", "en": "JKM child protector"},
        "support.kind.counselling": {"ms": "Kaunselor NGO", "en": "NGO counsellor"},
        "support.kind.oscc": {
            "ms": "OSCC (Pusat Krisis Setempat) hospital",
            "en": "Hospital OSCC (One Stop Crisis Centre)",
        },
        "support.kind.legal_aid": {"ms": "Bantuan guaman", "en": "Legal aid"},
        "support.kind.school_counsellor": {
            "ms": "Kaunselor sekolah (KPM)",
            "en": "School counsellor (MOE)",
        },
        "support.status.proposed": {"ms": "Dicadangkan", "en": "Proposed"},
        "support.status.referred": {"ms": "Dirujuk", "en": "Referred"},
        "support.status.accepted": {"ms": "Diterima", "en": "Accepted"},
        "support.status.in_progress": {"ms": "Sedang berjalan", "en": "In progress"},
        "support.status.completed": {"ms": "Selesai", "en": "Completed"},
        "support.status.declined": {"ms": "Ditolak", "en": "Declined"},
        "support.status.cancelled": {"ms": "Dibatalkan", "en": "Cancelled"},
        "support.safety.not_needed": {"ms": "Tidak perlu", "en": "Not needed"},
        "support.safety.due": {"ms": "Perlu dibuat", "en": "Due"},
        "support.safety.done": {"ms": "Sudah dibuat", "en": "Done"},
        "support.interview.awaiting_approval": {
            "ms": "Menunggu kelulusan penyelia",
            "en": "Awaiting a supervisor's approval",
        },
        "support.interview.scheduled": {"ms": "Dijadualkan", "en": "Scheduled"},
        "support.interview.held": {"ms": "Sudah diadakan", "en": "Held"},
        "support.interview.refused": {"ms": "Tidak diluluskan", "en": "Refused"},
        "support.interview.cancelled": {"ms": "Dibatalkan", "en": "Cancelled"},
        # --- staff pages ---------------------------------------------------------------------
        "support.home": {"ms": "Sokongan mangsa", "en": "Victim support"},
        "support.list.title": {"ms": "Pelan sokongan", "en": "Support plans"},
        "support.list.intro": {
            "ms": "Pelan sokongan yang anda dibenarkan lihat. Tiada nama kanak-kanak di sini.",
            "en": "The support plans you may see. No child is named here.",
        },
        "support.list.none": {"ms": "Tiada pelan untuk anda.", "en": "No plans for you."},
        "support.list.start": {"ms": "Mulakan pelan sokongan", "en": "Start a support plan"},
        "support.list.victim": {
            "ms": "Rujukan rekod mangsa (cth. V-…)",
            "en": "Victim record reference (e.g. V-…)",
        },
        "support.col.plan": {"ms": "Pelan", "en": "Plan"},
        "support.col.lead": {"ms": "Agensi peneraju", "en": "Lead agency"},
        "support.col.started": {"ms": "Dimulakan", "en": "Started"},
        "support.col.services": {"ms": "Perkhidmatan", "en": "Services"},
        "support.col.safety": {"ms": "Semakan keselamatan", "en": "Safety check"},
        "support.plan.title": {"ms": "Pelan sokongan {id}", "en": "Support plan {id}"},
        "support.plan.closed": {
            "ms": "Pelan ini ditutup pada {at}.",
            "en": "This plan was closed on {at}.",
        },
        "support.plan.victim": {"ms": "Rekod mangsa", "en": "Victim record"},
        "support.needs.title": {"ms": "Keperluan dinilai", "en": "Needs assessed"},
        "support.needs.area": {"ms": "Bidang", "en": "Area"},
        "support.needs.level": {"ms": "Tahap", "en": "Level"},
        "support.needs.save": {"ms": "Simpan penilaian", "en": "Save assessment"},
        "support.safety.title": {"ms": "Keselamatan", "en": "Safety"},
        "support.safety.known": {
            "ms": "Adakah pelaku dikenali oleh keluarga?",
            "en": "Is the offender known to the family?",
        },
        "support.safety.known.yes": {"ms": "Ya", "en": "Yes"},
        "support.safety.known.no": {"ms": "Tidak", "en": "No"},
        "support.safety.known.unasked": {"ms": "Belum ditanya", "en": "Not asked yet"},
        "support.safety.save": {"ms": "Simpan", "en": "Save"},
        "support.safety.state": {
            "ms": "Semakan keselamatan: {state}",
            "en": "Safety check: {state}",
        },
        "support.safety.due_at": {"ms": "Perlu dibuat sebelum {at}", "en": "Due by {at}"},
        "support.safety.done_at": {"ms": "Dibuat pada {at}", "en": "Done on {at}"},
        "support.safety.record": {
            "ms": "Semakan keselamatan telah dibuat",
            "en": "Safety check done",
        },
        "support.safety.why": {
            "ms": "Apabila pelaku dikenali keluarga, keselamatan anak disemak dalam masa 24 jam.",
            "en": "When the offender is known to the family, the child's safety is checked "
            "within 24 hours.",
        },
        "support.services.title": {"ms": "Perkhidmatan dirujuk", "en": "Services referred"},
        "support.services.none": {"ms": "Belum ada rujukan.", "en": "No referrals yet."},
        "support.services.kind": {"ms": "Perkhidmatan", "en": "Service"},
        "support.services.provider": {"ms": "Pemberi", "en": "Provider"},
        "support.services.status": {"ms": "Status", "en": "Status"},
        "support.services.owner": {"ms": "Pemilik (ID pengguna)", "en": "Owner (user id)"},
        "support.services.follow_up": {"ms": "Susulan seterusnya", "en": "Next follow-up"},
        "support.services.last": {"ms": "Susulan terakhir", "en": "Last follow-up"},
        "support.services.appointment": {"ms": "Temu janji seterusnya", "en": "Next appointment"},
        "support.services.add": {"ms": "Rujuk ke perkhidmatan", "en": "Refer to a service"},
        "support.services.provider_hint": {
            "ms": "Wajib untuk OSCC dan bantuan guaman (cth. OSCC Hospital Kuala Lumpur).",
            "en": "Required for OSCC and legal aid (e.g. OSCC Hospital Kuala Lumpur).",
        },
        "support.services.change": {"ms": "Kemas kini", "en": "Update"},
        "support.services.contact": {
            "ms": "Rekod hubungan / susulan",
            "en": "Record a contact / follow-up",
        },
        "support.services.contact_kind": {"ms": "Jenis", "en": "Kind"},
        "support.services.contact.contact": {
            "ms": "Hubungan dengan anak",
            "en": "Contact with the child",
        },
        "support.services.contact.follow_up": {"ms": "Susulan", "en": "Follow-up"},
        "support.services.at": {"ms": "Bila (waktu Malaysia)", "en": "When (Malaysia time)"},
        "support.services.next_due": {"ms": "Susulan seterusnya pada", "en": "Next follow-up on"},
        "support.services.overdue": {"ms": "lewat", "en": "overdue"},
        "support.date_hint": {
            "ms": "TTTT-BB-HH atau TTTT-BB-HH JJ:MM, waktu Malaysia",
            "en": "YYYY-MM-DD or YYYY-MM-DD HH:MM, Malaysia time",
        },
        "support.notes.title": {"ms": "Catatan kaunseling", "en": "Counselling notes"},
        "support.notes.who": {
            "ms": "Hanya kaunselor agensi ini melihat catatan ini. Setiap bacaan diaudit.",
            "en": "Only this agency's counsellors see these notes. Every read is audited.",
        },
        "support.notes.none": {"ms": "Tiada catatan.", "en": "No notes."},
        "support.notes.add": {"ms": "Tambah catatan", "en": "Add a note"},
        "support.notes.body": {"ms": "Catatan", "en": "Note"},
        "support.interviews.title": {
            "ms": "Daftar temu duga forensik",
            "en": "Forensic interview register",
        },
        "support.interviews.rule": {
            "ms": "Satu temu duga bagi setiap anak. Temu duga kedua memerlukan sebab bertulis dan "
            "kelulusan penyelia, dan dikira.",
            "en": "One interview per child. A second one needs a written reason and a "
            "supervisor's approval, and is counted.",
        },
        "support.interviews.none": {
            "ms": "Tiada temu duga direkod.",
            "en": "No interview recorded.",
        },
        "support.interviews.number": {"ms": "No.", "en": "No."},
        "support.interviews.when": {"ms": "Tarikh", "en": "Date"},
        "support.interviews.agency": {"ms": "Agensi", "en": "Agency"},
        "support.interviews.interviewer": {"ms": "Penemu duga", "en": "Interviewer"},
        "support.interviews.recording": {
            "ms": "Lokasi rakaman",
            "en": "Where the recording is held",
        },
        "support.interviews.status": {"ms": "Status", "en": "Status"},
        "support.interviews.reason": {
            "ms": "Sebab temu duga semula",
            "en": "Reason for another interview",
        },
        "support.interviews.repeat": {"ms": "ulangan", "en": "repeat"},
        "support.interviews.repeats": {
            "ms": "Temu duga ulangan: {n}",
            "en": "Repeat interviews: {n}",
        },
        "support.interviews.schedule": {"ms": "Jadualkan temu duga", "en": "Schedule an interview"},
        "support.interviews.approve": {"ms": "Luluskan", "en": "Approve"},
        "support.interviews.refuse": {"ms": "Tolak", "en": "Refuse"},
        "support.interviews.decision_note": {"ms": "Catatan keputusan", "en": "Decision note"},
        "support.interviews.held": {"ms": "Tandakan sudah diadakan", "en": "Mark as held"},
        "support.interviews.cancel": {"ms": "Batalkan", "en": "Cancel"},
        "support.interviews.own": {
            "ms": "Anda yang memohon: penyelia lain perlu membuat keputusan.",
            "en": "You asked for it: another supervisor decides.",
        },
        "support.child.title": {"ms": "Paparan anak", "en": "The child's own view"},
        "support.child.intro": {
            "ms": "Bersama anak, pilih apa yang boleh dipaparkan. Kod dan rahsia ditunjukkan "
            "sekali sahaja; berikan kepada anak. Mengeluarkan kod baharu membatalkan yang lama.",
            "en": "With the child, choose what their view may show. The code and secret are "
            "shown once; give them to the child. Issuing a new code ends the old one.",
        },
        "support.child.helpers": {"ms": "Siapa yang membantu", "en": "Who is helping"},
        "support.child.appointment": {"ms": "Temu janji seterusnya", "en": "The next appointment"},
        "support.child.contact": {
            "ms": "Cara menghubungi pegawai kes",
            "en": "How to reach the caseworker",
        },
        "support.child.contact_text": {
            "ms": "Cara menghubungi (cth. Puan Aminah, 03-1234 5678, Isnin–Jumaat)",
            "en": "How to reach you (e.g. Puan Aminah, 03-1234 5678, Monday–Friday)",
        },
        "support.child.lang": {"ms": "Bahasa paparan", "en": "Language of the view"},
        "support.child.issue": {"ms": "Keluarkan kod", "en": "Issue a code"},
        "support.child.revoke": {"ms": "Batalkan kod", "en": "End the code"},
        "support.child.issued_at": {"ms": "Kod dikeluarkan pada {at}", "en": "Code issued on {at}"},
        "support.child.none": {"ms": "Tiada kod dikeluarkan.", "en": "No code issued."},
        "support.child.shown_once": {
            "ms": "Berikan kod dan rahsia ini kepada anak sekarang. Rahsia tidak akan "
            "ditunjukkan lagi.",
            "en": "Give this code and secret to the child now. The secret will not be shown again.",
        },
        "support.child.where": {
            "ms": "Anak membukanya di {url}",
            "en": "The child opens it at {url}",
        },
        "support.close": {"ms": "Tutup pelan", "en": "Close the plan"},
        "support.done": {"ms": "Disimpan.", "en": "Saved."},
        "support.dash.title": {
            "ms": "Ukuran sokongan mangsa (Barnahus)",
            "en": "Victim support measures (Barnahus)",
        },
        "support.dash.caption": {
            "ms": "Agregat sahaja; tiada anak dinamakan. Anak dikira pada bulan laporan pertama.",
            "en": "Aggregates only; no child is named. A child counts in the month of the first "
            "report.",
        },
        "support.dash.by_agency": {"ms": "Mengikut agensi", "en": "Per agency"},
        "support.dash.by_month": {"ms": "Mengikut bulan", "en": "Per month"},
        "support.dash.all": {"ms": "Semua", "en": "All"},
        "support.dash.children": {"ms": "Kanak-kanak", "en": "Children"},
        "support.dash.days": {
            "ms": "Hari dari laporan pertama ke hubungan sokongan pertama (median)",
            "en": "Days from first report to first support contact (median)",
        },
        "support.dash.interviews": {"ms": "Temu duga setiap anak", "en": "Interviews per child"},
        "support.dash.repeats": {"ms": "Temu duga ulangan", "en": "Repeat interviews"},
        "support.dash.agencies": {
            "ms": "Agensi yang anak perlu bercakap (purata)",
            "en": "Agencies the child had to talk to (mean)",
        },
        "support.dash.followed": {
            "ms": "Disusuli dalam 30 hari",
            "en": "Followed up within 30 days",
        },
        "support.dash.none": {"ms": "Belum ada pelan sokongan.", "en": "No support plans yet."},
        # --- the child's own view ------------------------------------------------------------
        "support.child.page": {"ms": "Sokongan saya", "en": "My support"},
        "support.child.hello": {
            "ms": "Masukkan kod dan rahsia yang diberi kepada anda.",
            "en": "Enter the code and secret you were given.",
        },
        "support.child.code": {"ms": "Kod", "en": "Code"},
        "support.child.secret": {"ms": "Rahsia", "en": "Secret"},
        "support.child.open": {"ms": "Buka", "en": "Open"},
        "support.child.private": {
            "ms": "Halaman ini tidak disimpan dalam telefon. Tutup tab apabila selesai.",
            "en": "This page is not kept on the phone. Close the tab when you are done.",
        },
        "support.child.err.title": {"ms": "Tidak dapat dibuka", "en": "Could not open"},
        "support.child.err.not_found": {
            "ms": "Kod atau rahsia tidak betul. Semak semula, atau tanya orang yang membantu anda.",
            "en": "The code or secret is not right. Check them, or ask the person helping you.",
        },
        "support.child.err.empty": {
            "ms": "Masukkan kod dan rahsia.",
            "en": "Enter the code and the secret.",
        },
        "support.child.err.slow_down": {
            "ms": "Terlalu banyak cubaan. Tunggu sebentar dan cuba lagi.",
            "en": "Too many tries. Wait a little and try again.",
        },
        "support.child.err.bad_form": {
            "ms": "Borang tidak dapat dibaca. Cuba lagi.",
            "en": "The form could not be read. Please try again.",
        },
        "support.child.helping": {"ms": "Siapa yang membantu anda", "en": "Who is helping you"},
        "support.child.nobody_yet": {
            "ms": "Orang yang membantu anda akan ditambah di sini tidak lama lagi.",
            "en": "The people helping you will be added here soon.",
        },
        "support.child.next": {"ms": "Temu janji seterusnya", "en": "Your next appointment"},
        "support.child.no_next": {"ms": "Belum ada temu janji.", "en": "No appointment yet."},
        "support.child.reach": {"ms": "Cara menghubungi", "en": "How to reach your helper"},
        "support.child.hidden": {
            "ms": "Bahagian lain tidak dipaparkan, seperti yang anda pilih.",
            "en": "Other parts are not shown, as you chose.",
        },
        "support.child.helper.jkm": {
            "ms": "Seorang pegawai yang menjaga keselamatan anda",
            "en": "An officer who looks after your safety",
        },
        "support.child.helper.counselling": {
            "ms": "Seseorang untuk anda berbual (kaunselor)",
            "en": "Someone to talk to (a counsellor)",
        },
        "support.child.helper.oscc": {
            "ms": "Pasukan klinik yang menjaga kesihatan anda",
            "en": "A clinic team that looks after your health",
        },
        "support.child.helper.legal_aid": {
            "ms": "Seseorang yang menjawab soalan undang-undang",
            "en": "Someone who answers questions about the law",
        },
        "support.child.helper.school_counsellor": {
            "ms": "Kaunselor di sekolah anda",
            "en": "The counsellor at your school",
        },
        "support.child.help.title": {"ms": "Perlukan bantuan sekarang?", "en": "Need help now?"},
        "support.child.help.999": {
            "ms": "Dalam bahaya sekarang? Telefon 999.",
            "en": "In danger now? Call 999.",
        },
        "support.child.help.kasih": {
            "ms": "Mahu bercakap dengan seseorang? Talian Kasih 15999, percuma, 24 jam.",
            "en": "Want to talk to someone? Talian Kasih 15999, free, 24 hours.",
        },
        "support.child.leave": {"ms": "Keluar cepat", "en": "Leave quickly"},
        "support.child.again": {"ms": "Buka kod lain", "en": "Open another code"},
    }
)
