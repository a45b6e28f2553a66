"""Stored codes (incident types, statuses, signal kinds, stages, event types) in words.

Pages never show a raw code: templates call ``c(group, value)``, which looks up
``code.<group>.<value>`` and falls back to the value itself (a test fails when a page in Malay
shows one that has no words). Values are the domains' stable ids; add a line here with any new one.
"""

from __future__ import annotations

from perisai.web.i18n import register, translate

_CODES: dict[str, dict[str, tuple[str, str]]] = {
    # group → value → (Malay, English)
    "incident": {
        "child_pornography": ("Bahan penderaan seksual kanak-kanak", "Child sexual abuse material"),
        "child_sex_trafficking": ("Pemerdagangan seks kanak-kanak", "Child sex trafficking"),
        "child_sex_tourism": ("Pelancongan seks kanak-kanak", "Child sex tourism"),
        "child_sexual_molestation": ("Pencabulan seksual kanak-kanak", "Child sexual molestation"),
        "misleading_domain_name": ("Nama domain yang mengelirukan", "Misleading domain name"),
        "misleading_words_or_digital_images": (
            "Perkataan atau imej digital yang mengelirukan",
            "Misleading words or digital images",
        ),
        "online_enticement": ("Pujukan dalam talian", "Online enticement"),
        "unsolicited_obscene_material_to_child": (
            "Bahan lucah dihantar kepada kanak-kanak",
            "Obscene material sent to a child",
        ),
    },
    "annotation": {
        "sextortion": ("Sekstorsi", "Sextortion"),
        "csam_solicitation": ("Permintaan bahan", "Solicitation of material"),
        "minor_to_minor_interaction": (
            "Interaksi antara kanak-kanak",
            "Minor-to-minor interaction",
        ),
        "spam": ("Spam", "Spam"),
        "sadistic_online_exploitation": (
            "Eksploitasi sadistik dalam talian",
            "Sadistic online exploitation",
        ),
        "generative_ai": ("Dijana AI", "AI-generated"),
        "possible_self_production": ("Mungkin dihasilkan sendiri", "Possibly self-produced"),
        "live_streaming": ("Penstriman langsung", "Live streaming"),
        "infant": ("Bayi", "Infant"),
        "animated": ("Animasi", "Animated"),
        "anime_drawing_virtual_hentai": ("Anime, lukisan atau maya", "Anime, drawing or virtual"),
        "potential_meme": ("Mungkin meme", "Potential meme"),
        "viral": ("Tular", "Viral"),
        "physical_harm": ("Kecederaan fizikal", "Physical harm"),
        "violence_gore": ("Keganasan", "Violence or gore"),
        "bestiality": ("Bestialiti", "Bestiality"),
        "other": ("Lain-lain", "Other"),
    },
    "signal": {
        "age_probe": ("Bertanya umur", "Asking the child's age"),
        "flattery": ("Pujian berlebihan", "Flattery"),
        "gift_offer": ("Tawaran hadiah", "Offer of gifts"),
        "location_probe": ("Bertanya lokasi", "Asking where the child is"),
        "risk_assessment": ("Menilai risiko (siapa di sekeliling)", "Checking who is around"),
        "secrecy": ("Minta berahsia", "Asking for secrecy"),
        "deletion": ("Minta padam mesej", "Asking to delete messages"),
        "platform_migration": ("Pindah ke aplikasi lain", "Moving to another app"),
        "isolation": ("Mengasingkan kanak-kanak", "Isolating the child"),
        "age_gap_normalisation": ("Menormalkan jurang umur", "Normalising the age gap"),
        "image_request": ("Meminta gambar", "Asking for pictures"),
        "camera_request": ("Meminta kamera", "Asking for the camera"),
        "meeting_request": ("Mengajak berjumpa", "Asking to meet"),
        "threat": ("Ugutan", "Threat"),
    },
    "stage": {
        "access_rapport": ("akses dan hubungan mesra", "access and rapport"),
        "trust": ("kepercayaan", "trust"),
        "risk_assessment": ("penilaian risiko", "risk assessment"),
        "exclusivity_isolation": ("eksklusif dan pengasingan", "exclusivity and isolation"),
        "desensitisation": ("penyahpekaan", "desensitisation"),
        "approach": ("pendekatan", "approach"),
    },
    "case_status": {
        "new": ("Baharu", "New"),
        "triage": ("Triaj", "Triage"),
        "assigned": ("Ditugaskan", "Assigned"),
        "investigating": ("Dalam siasatan", "Investigating"),
        "referred": ("Dirujuk", "Referred"),
        "closed": ("Ditutup", "Closed"),
    },
    "outcome": {
        "arrest": ("Tangkapan", "Arrest"),
        "victim_supported": ("Mangsa dibantu", "Victim supported"),
        "content_removed": ("Kandungan dibuang", "Content removed"),
        "referred_out": ("Dirujuk keluar", "Referred out"),
        "no_further_action": ("Tiada tindakan lanjut", "No further action"),
        "duplicate": ("Pendua", "Duplicate"),
        "merged": ("Digabungkan", "Merged"),
    },
    "referral_status": {
        "pending": ("Menunggu jawapan", "Awaiting an answer"),
        "accepted": ("Diterima", "Accepted"),
        "declined": ("Ditolak", "Declined"),
    },
    "takedown_status": {
        "sent": ("Dihantar", "Sent"),
        "escalated": ("Dieskalasi", "Escalated"),
        "removed": ("Dibuang", "Removed"),
    },
    "report_status": {
        "received": ("Diterima", "Received"),
        "finished": ("Lengkap", "Complete"),
        "retracted": ("Ditarik balik", "Retracted"),
    },
    "event": {
        "case.created": ("Kes dibuka", "Case opened"),
        "case.report_attached": ("Laporan ditambah", "Report added"),
        "case.report_confirmed": ("Laporan disahkan", "Report confirmed"),
        "case.merged": ("Kes digabungkan", "Cases merged"),
        "case.split": ("Kes dipecahkan", "Case split"),
        "case.assigned": ("Ditugaskan", "Assigned"),
        "case.unassigned": ("Tugasan ditamatkan", "Assignment ended"),
        "case.referred": ("Dirujuk", "Referred"),
        "case.referral_accepted": ("Rujukan diterima", "Referral accepted"),
        "case.referral_declined": ("Rujukan ditolak", "Referral declined"),
        "case.task_added": ("Tugas ditambah", "Task added"),
        "case.task_done": ("Tugas selesai", "Task done"),
        "case.note_added": ("Catatan ditambah", "Note added"),
        "case.status_changed": ("Status berubah", "Status changed"),
        "case.closed": ("Kes ditutup", "Case closed"),
        "case.reopened": ("Kes dibuka semula", "Case reopened"),
        "case.victim_access_granted": ("Akses mangsa diberi", "Victim access granted"),
        "case.victim_access_revoked": ("Akses mangsa ditarik", "Victim access revoked"),
        "takedown.sent": ("Notis turun dihantar", "Takedown notice sent"),
        "takedown.escalated": ("Notis turun dieskalasi", "Takedown escalated"),
        "takedown.renotice": ("Notis turun dihantar semula", "Takedown notice sent again"),
        "takedown.removed": ("Kandungan dibuang", "Content removed"),
        "report.triaged": ("Laporan ditriaj", "Report triaged"),
        "report.reviewed": ("Laporan disemak", "Report reviewed"),
        "report.priority_overridden": ("Keutamaan diubah", "Priority overridden"),
    },
    "role": {
        "analyst": ("Penganalisis", "Analyst"),
        "investigator": ("Penyiasat", "Investigator"),
        "supervisor": ("Penyelia", "Supervisor"),
        "caseworker": ("Pekerja kes", "Caseworker"),
        "auditor": ("Juruaudit", "Auditor"),
        "admin": ("Pentadbir", "Administrator"),
        "teacher": ("Guru", "Teacher"),
        "moe_officer": ("Pegawai KPM", "MOE officer"),
    },
    "actor": {
        "user": ("Pengguna", "User"),
        "apikey": ("Kunci API", "API key"),
        "system": ("Sistem", "System"),
    },
    # reports.fields.IpEventName: what the account did from an IP address.
    "ipevent": {
        "login": ("Log masuk", "Login"),
        "registration": ("Pendaftaran", "Registration"),
        "purchase": ("Pembelian", "Purchase"),
        "upload": ("Muat naik", "Upload"),
        "other": ("Lain-lain", "Other"),
        "unknown": ("Tidak diketahui", "Unknown"),
    },
    # perisai.ipintel.model.FLAG_NAMES: what an IP address was flagged as by a source.
    "ipflag": {
        "vpn": ("VPN", "VPN"),
        "tor": ("Nod keluar Tor", "Tor exit node"),
        "hosting": ("Penyedia pengehosan", "Hosting provider"),
        "public_proxy": ("Proksi awam", "Public proxy"),
        "residential_proxy": ("Proksi kediaman", "Residential proxy"),
        "anonymous": ("Tanpa nama", "Anonymous"),
    },
    "identifier": {
        "email": ("E-mel", "Email"),
        "phone": ("Telefon", "Phone"),
        "username": ("Nama pengguna", "Username"),
        "url": ("URL", "URL"),
        "ip": ("Alamat IP", "IP address"),
        "mykad": ("MyKad", "MyKad"),
        "payment": ("Pembayaran", "Payment"),
        "sha256": ("SHA-256", "SHA-256"),
        "md5": ("MD5", "MD5"),
        "pdq": ("PDQ", "PDQ"),
        "screen_name": ("Nama paparan", "Screen name"),
        "device": ("ID peranti", "Device id"),
    },
}

register(
    {
        f"code.{group}.{value}": {"ms": ms, "en": en}
        for group, values in _CODES.items()
        for value, (ms, en) in values.items()
    }
)


def known_codes(group: str) -> tuple[str, ...]:
    return tuple(_CODES.get(group, {}))


def code_label(group: str, value: object, lang: str) -> str:
    """The words for a stored code; the value itself when the code has none (never a key)."""
    if value is None or value == "":
        return ""
    key = f"code.{group}.{value}"
    found = translate(key, lang)
    return str(value) if found == key else found
