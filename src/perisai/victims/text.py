"""Victim record pages in Bahasa Malaysia and English."""

from __future__ import annotations

from perisai.web.i18n import register

register(
    {
        "vi.title": {"ms": "Rekod mangsa {id}", "en": "Victim record {id}"},
        "vi.find.title": {"ms": "Buka rekod mangsa", "en": "Open a victim record"},
        "vi.find.intro": {
            "ms": "Rekod mangsa dibuka dari kes atau laporan yang anda kendalikan, atau dengan "
            "ID rekod (VIC-…) yang diberikan kepada anda. Tiada senarai kanak-kanak: hanya "
            "yang perlu tahu melihat rekod.",
            "en": "A victim record is opened from a case or report you work on, or by the "
            "record id (VIC-…) you were given. There is no list of children: only those who "
            "need to know see a record.",
        },
        "vi.find.id": {"ms": "ID rekod", "en": "Record id"},
        "vi.find.open": {"ms": "Buka", "en": "Open"},
        "vi.find.none": {
            "ms": "Tiada rekod dengan ID itu yang boleh anda lihat.",
            "en": "There is no record with that id that you may see.",
        },
        "vi.status.active": {"ms": "Aktif", "en": "Active"},
        "vi.status.erased": {"ms": "Dipadam", "en": "Erased"},
        "vi.facts": {"ms": "Maklumat rekod", "en": "Record facts"},
        "vi.age": {"ms": "Umur dinyatakan", "en": "Stated age"},
        "vi.created": {"ms": "Dicipta", "en": "Created"},
        "vi.retain": {"ms": "Disimpan sehingga", "en": "Kept until"},
        "vi.hold": {"ms": "Tahanan undang-undang", "en": "Legal hold"},
        "vi.hold_on": {"ms": "Ya: tidak boleh dipadam", "en": "Yes: cannot be erased"},
        "vi.hold_off": {"ms": "Tiada", "en": "None"},
        "vi.reports": {"ms": "Laporan tentang kanak-kanak ini", "en": "Reports about this child"},
        "vi.cases": {"ms": "Kes", "en": "Cases"},
        "vi.shredded": {"ms": "(identiti dimusnahkan)", "en": "(identity destroyed)"},
        "vi.identity": {"ms": "Identiti (diaudit)", "en": "Identity (audited)"},
        "vi.masked": {
            "ms": "Identiti disembunyikan. Nyatakan tujuan untuk melihat bahagian yang anda "
            "dibenarkan; setiap bacaan direkodkan dalam log audit.",
            "en": "Identity is masked. Give a purpose to see the parts you are allowed to; "
            "every read is recorded in the audit log.",
        },
        "vi.purpose": {"ms": "Tujuan", "en": "Purpose"},
        "vi.show": {"ms": "Tunjukkan identiti", "en": "Show identity"},
        "vi.hide": {"ms": "Sembunyikan semula", "en": "Mask again"},
        "vi.nothing_allowed": {
            "ms": "Anda tidak dibenarkan melihat sebarang bahagian identiti kanak-kanak ini.",
            "en": "You may not see any part of this child's identity.",
        },
        "vi.erased_note": {
            "ms": "Identiti kanak-kanak ini telah dipadam ({basis}, {at}). Kunci disulitannya "
            "dimusnahkan: tiada salinan boleh dibaca lagi.",
            "en": "This child's identity was erased ({basis}, {at}). Its encryption key was "
            "destroyed: no copy can be read again.",
        },
        "vi.group.name": {"ms": "Nama", "en": "Name"},
        "vi.group.birth": {"ms": "Tarikh lahir", "en": "Date of birth"},
        "vi.group.school": {"ms": "Sekolah", "en": "School"},
        "vi.group.contact": {"ms": "Hubungan", "en": "Contact"},
        "vi.group.guardian": {"ms": "Penjaga", "en": "Guardian"},
        "vi.group.online": {"ms": "Akaun dalam talian", "en": "Online accounts"},
        "vi.group.support": {"ms": "Pelan sokongan", "en": "Support plan"},
        "vi.group.interviews": {"ms": "Daftar temu duga", "en": "Interview register"},
        "vi.group.counselling": {"ms": "Nota kaunseling", "en": "Counselling notes"},
        "vi.purpose.support_contact": {
            "ms": "Menghubungi untuk sokongan",
            "en": "Contact for support",
        },
        "vi.purpose.safeguarding": {"ms": "Perlindungan kanak-kanak", "en": "Safeguarding"},
        "vi.purpose.investigation": {"ms": "Siasatan", "en": "Investigation"},
        "vi.purpose.interview": {"ms": "Temu duga forensik", "en": "Forensic interview"},
        "vi.purpose.court": {"ms": "Mahkamah", "en": "Court"},
        "vi.purpose.record_update": {"ms": "Mengemas kini rekod", "en": "Updating the record"},
        "vi.purpose.consent_check": {"ms": "Menyemak persetujuan", "en": "Checking consent"},
        "vi.consent": {"ms": "Persetujuan", "en": "Consent"},
        "vi.consent_hint": {
            "ms": "Apa yang kanak-kanak dan penjaga bersetuju boleh dikongsi, dengan agensi mana. "
            "Penarikan balik berkuat kuasa serta-merta di setiap saluran.",
            "en": "What the child and guardian agreed may be shared, with which agency. "
            "A withdrawal takes effect at once on every outlet.",
        },
        "vi.consent.none": {"ms": "Tiada persetujuan direkodkan.", "en": "No consent recorded."},
        "vi.col.group": {"ms": "Bahagian", "en": "Field group"},
        "vi.col.agency": {"ms": "Agensi", "en": "Agency"},
        "vi.col.given_by": {"ms": "Diberi oleh", "en": "Given by"},
        "vi.col.method": {"ms": "Cara", "en": "How"},
        "vi.col.given_at": {"ms": "Bila", "en": "When"},
        "vi.col.state": {"ms": "Status", "en": "State"},
        "vi.in_force": {"ms": "Berkuat kuasa", "en": "In force"},
        "vi.withdrawn": {"ms": "Ditarik balik {at}", "en": "Withdrawn {at}"},
        "vi.withdraw": {"ms": "Tarik balik", "en": "Withdraw"},
        "vi.give": {"ms": "Rekodkan persetujuan", "en": "Record consent"},
        "vi.giver.child": {"ms": "Kanak-kanak", "en": "The child"},
        "vi.giver.guardian": {"ms": "Penjaga", "en": "The guardian"},
        "vi.giver.both": {"ms": "Kanak-kanak dan penjaga", "en": "Child and guardian"},
        "vi.method.in_person": {"ms": "Bersemuka", "en": "In person"},
        "vi.method.phone": {"ms": "Telefon", "en": "Phone"},
        "vi.method.written": {"ms": "Bertulis", "en": "Written"},
        "vi.method.video": {"ms": "Panggilan video", "en": "Video call"},
        "vi.erase": {"ms": "Padam identiti", "en": "Erase identity"},
        "vi.erase_hint": {
            "ms": "Memusnahkan kunci kanak-kanak ini: nama, sekolah, hubungan dan butiran dalam "
            "setiap laporan tidak boleh dibaca lagi, dalam jadual, sandaran atau eksport. Ini "
            "tidak boleh dibatalkan. Fakta pemadaman kekal dalam log audit.",
            "en": "Destroys this child's key: the name, school, contact and the details in every "
            "report can never be read again, in tables, backups or exports. This cannot be "
            "undone. The fact of erasure stays in the audit log.",
        },
        "vi.basis": {"ms": "Asas", "en": "Basis"},
        "vi.basis.request": {"ms": "Permintaan", "en": "Request"},
        "vi.basis.retention": {"ms": "Tempoh simpanan tamat", "en": "Retention ended"},
        "vi.basis.court_order": {"ms": "Perintah mahkamah", "en": "Court order"},
        "vi.confirm": {
            "ms": "Taip id rekod ({id}) untuk mengesahkan",
            "en": "Type the record's id ({id}) to confirm",
        },
        "vi.confirm_wrong": {
            "ms": "Id yang ditaip tidak sepadan dengan rekod ini.",
            "en": "The id typed does not match this record.",
        },
        "vi.erase_submit": {"ms": "Padam selama-lamanya", "en": "Erase for ever"},
        "vi.hold_set": {"ms": "Letakkan tahanan undang-undang", "en": "Put on legal hold"},
        "vi.hold_lift": {"ms": "Tarik balik tahanan undang-undang", "en": "Lift legal hold"},
        "vi.create": {"ms": "Cipta rekod mangsa", "en": "Create victim record"},
        "vi.create_hint": {
            "ms": "Daripada mangsa yang dinamakan dalam laporan (butirannya kekal disulitkan).",
            "en": "From a victim named in a report (its details stay encrypted).",
        },
        "vi.report": {"ms": "Laporan", "en": "Report"},
        "vi.position": {"ms": "Mangsa ke- (0 = pertama)", "en": "Victim number (0 = first)"},
        "vi.link": {"ms": "Pautkan laporan lain", "en": "Link another report"},
        "vi.records": {"ms": "Rekod mangsa", "en": "Victim records"},
        "vi.retention": {"ms": "Jadual simpanan", "en": "Retention schedule"},
        "vi.error": {
            "ms": "Tidak dapat disimpan: {message}",
            "en": "Could not be saved: {message}",
        },
        "vi.done.created": {"ms": "Rekod mangsa dicipta.", "en": "Victim record created."},
        "vi.done.consent": {"ms": "Persetujuan direkodkan.", "en": "Consent recorded."},
        "vi.done.withdrawn": {
            "ms": "Persetujuan ditarik balik: berkuat kuasa serta-merta.",
            "en": "Consent withdrawn: in effect at once.",
        },
        "vi.done.erased": {"ms": "Identiti dipadam.", "en": "Identity erased."},
        "vi.done.hold": {"ms": "Tahanan undang-undang dikemas kini.", "en": "Legal hold updated."},
        "vi.done.linked": {"ms": "Laporan dipautkan.", "en": "Report linked."},
    }
)
