"""The hotline's words in Bahasa Malaysia and English (registered with `perisai.web.i18n`)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "hotline.title": {"ms": "Lapor eksploitasi kanak-kanak", "en": "Report child exploitation"},
    "hotline.intro": {
        "ms": "Laporan anda tanpa nama kecuali anda memilih untuk memberi maklumat hubungan.",
        "en": "Your report is anonymous unless you choose to give contact details.",
    },
    "hotline.warning": {
        "ms": "Jangan muat turun, simpan, tangkap layar atau kongsi bahan penderaan. "
        "Berikan pautan (URL) sahaja.",
        "en": "Do not download, save, screenshot or forward abuse material. "
        "Give the link (URL) only.",
    },
    "hotline.urls": {"ms": "Pautan (URL), satu setiap baris", "en": "Links (URLs), one per line"},
    "hotline.kind": {"ms": "Apa yang anda lihat?", "en": "What did you see?"},
    "hotline.kind.material": {
        "ms": "Gambar atau video seksual kanak-kanak",
        "en": "Sexual images or videos of children",
    },
    "hotline.kind.enticement": {
        "ms": "Orang dewasa memujuk kanak-kanak dalam talian",
        "en": "An adult enticing a child online",
    },
    "hotline.kind.obscene": {
        "ms": "Bahan lucah dihantar kepada kanak-kanak",
        "en": "Obscene material sent to a child",
    },
    "hotline.state": {
        "ms": "Negeri (pilihan)",
        "en": "State (optional)",
    },
    "hotline.state.hint": {
        "ms": "Di negeri mana kanak-kanak atau kejadian itu, jika anda tahu.",
        "en": "Which state the child or the incident is in, if you know.",
    },
    "hotline.state.none": {
        "ms": "Tidak tahu / tidak mahu nyatakan",
        "en": "Don't know / prefer not to say",
    },
    "hotline.bad_state": {
        "ms": "Pilih negeri daripada senarai, atau biarkan kosong.",
        "en": "Choose a state from the list, or leave it empty.",
    },
    "hotline.description": {
        "ms": "Terangkan apa yang anda lihat dan di mana",
        "en": "Describe what you saw and where",
    },
    "hotline.chat": {
        "ms": "Chat (pilihan): tampal mesej atau teks chat yang dieksport",
        "en": "Chat (optional): paste the messages or an exported chat's text",
    },
    "hotline.chat.hint": {
        "ms": "Hanya dihantar jika anda menghantar laporan ini. Anda boleh mengubah atau "
        "memadamnya.",
        "en": "Sent only if you send this report. You can change or delete it.",
    },
    "hotline.chat.too_long": {
        "ms": "Chat terlalu panjang: tampal mesej yang merisaukan sahaja.",
        "en": "The chat is too long: paste only the worrying messages.",
    },
    "hotline.chat.unreadable": {
        "ms": "Kami tidak dapat membaca chat ini. Tampal mesej sebagai baris "
        "\u201cNama: mesej\u201d.",
        "en": "We could not read this chat. Paste the messages as \u201cName: message\u201d lines.",
    },
    "hotline.contact": {
        "ms": "Hubungi saya (pilihan)",
        "en": "Contact me (optional)",
    },
    "hotline.contact.name": {"ms": "Nama", "en": "Name"},
    "hotline.contact.email": {"ms": "E-mel", "en": "Email"},
    "hotline.contact.phone": {"ms": "Telefon", "en": "Phone"},
    "hotline.submit": {"ms": "Hantar laporan", "en": "Send report"},
    "hotline.need_something": {
        "ms": "Berikan sekurang-kurangnya satu pautan atau penerangan.",
        "en": "Give at least one link or a description.",
    },
    "hotline.urls.hint": {
        "ms": "Contoh: contoh.com/halaman atau https://contoh.com/halaman",
        "en": "For example: example.com/page or https://example.com/page",
    },
    "hotline.bad_url": {
        "ms": "\u201c{url}\u201d bukan alamat laman web. Tulis pautan seperti "
        "contoh.com/halaman, satu setiap baris.",
        "en": "\u201c{url}\u201d is not a web address. Write links such as example.com/page, "
        "one per line.",
    },
    "hotline.too_many_urls": {
        "ms": "Paling banyak {limit} pautan dalam satu laporan.",
        "en": "At most {limit} links in one report.",
    },
    "hotline.need_kind": {
        "ms": "Pilih apa yang anda lihat.",
        "en": "Choose what you saw.",
    },
    "hotline.invalid": {
        "ms": "Sebahagian laporan tidak dapat dibaca. Semak pautan dan teks, kemudian hantar "
        "sekali lagi.",
        "en": "Part of the report could not be read. Check the links and text, then send it again.",
    },
    "hotline.too_long": {
        "ms": "Teks terlalu panjang.",
        "en": "The text is too long.",
    },
    "hotline.expired": {
        "ms": "Borang telah tamat tempoh. Sila hantar sekali lagi.",
        "en": "The form expired. Please send it again.",
    },
    "hotline.needs_https": {
        "ms": "Borang tidak dapat dihantar: laman ini mesti dibuka melalui https:// (ia dibuka "
        "melalui HTTP biasa di {host}). Pentadbir makmal: lihat PERISAI_COOKIE_SECURE.",
        "en": "The form could not be sent: this site must be opened over https:// (it was opened "
        "over plain HTTP at {host}). Lab administrators: see PERISAI_COOKIE_SECURE.",
    },
    "hotline.slow_down": {
        "ms": "Terlalu banyak laporan dari sambungan ini. Cuba sebentar lagi.",
        "en": "Too many reports from this connection. Try again shortly.",
    },
    "hotline.thanks": {
        "ms": "Terima kasih. Laporan diterima.",
        "en": "Thank you. Report received.",
    },
    "hotline.code": {
        "ms": "Kod resit anda (simpan untuk menyemak status):",
        "en": "Your receipt code (keep it to check the status):",
    },
    "hotline.already": {
        "ms": "Laporan ini telah pun diterima.",
        "en": "This report was already received.",
    },
    "hotline.status.title": {"ms": "Semak status laporan", "en": "Check a report's status"},
    "hotline.status.code": {"ms": "Kod resit", "en": "Receipt code"},
    "hotline.status.check": {"ms": "Semak", "en": "Check"},
    "hotline.status.unknown": {
        "ms": "Kod tidak dikenali. Semak kod pada resit anda dan cuba lagi.",
        "en": "Unknown code. Check the code on your receipt and try again.",
    },
    "hotline.status.empty": {
        "ms": "Tulis kod resit anda.",
        "en": "Type your receipt code.",
    },
    "hotline.status.code_hint": {
        "ms": "Contoh: ABCD-1234-EFGH (huruf besar atau kecil, dengan atau tanpa sengkang)",
        "en": "For example: ABCD-1234-EFGH (any case, with or without dashes)",
    },
    "hotline.status.is": {"ms": "Status: {status}", "en": "Status: {status}"},
    "hotline.status.stages": {"ms": "Peringkat laporan", "en": "The report's stages"},
    "hotline.status.done": {"ms": "selesai", "en": "done"},
    "hotline.status.now": {"ms": "sekarang", "en": "now"},
    "hotline.status.private": {
        "ms": "Untuk melindungi kanak-kanak dan siasatan, kami tidak dapat memberi butiran "
        "lanjut tentang tindakan yang diambil.",
        "en": "To protect the children and any investigation, we cannot give further details "
        "of the action taken.",
    },
    "hotline.stage.received": {"ms": "Diterima", "en": "Received"},
    "hotline.stage.received.help": {
        "ms": "Laporan anda disimpan dengan selamat dan menunggu semakan.",
        "en": "Your report is stored safely and waiting to be reviewed.",
    },
    "hotline.stage.reviewed": {"ms": "Disemak", "en": "Reviewed"},
    "hotline.stage.reviewed.help": {
        "ms": "Pasukan petugas telah menyemak laporan anda.",
        "en": "The task force has reviewed your report.",
    },
    "hotline.stage.referred": {
        "ms": "Diserahkan kepada agensi berkaitan",
        "en": "Passed to the agency responsible",
    },
    "hotline.stage.referred.help": {
        "ms": "Laporan anda telah diserahkan kepada agensi yang boleh bertindak.",
        "en": "Your report has been passed to an agency that can act on it.",
    },
    "hotline.stage.closed": {"ms": "Selesai", "en": "Closed"},
    "hotline.stage.closed.help": {
        "ms": "Kerja atas laporan ini telah selesai. Terima kasih kerana melapor.",
        "en": "Work on this report has finished. Thank you for reporting.",
    },
}
