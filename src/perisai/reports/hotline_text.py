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
    "hotline.bad_url": {
        "ms": "Pautan mesti bermula dengan http:// atau https:// (paling banyak 20).",
        "en": "Links must start with http:// or https:// (at most 20).",
    },
    "hotline.too_long": {
        "ms": "Teks terlalu panjang.",
        "en": "The text is too long.",
    },
    "hotline.expired": {
        "ms": "Borang telah tamat tempoh. Sila hantar sekali lagi.",
        "en": "The form expired. Please send it again.",
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
    "hotline.status.unknown": {"ms": "Kod tidak dikenali.", "en": "Unknown code."},
    "hotline.status.received": {"ms": "Diterima", "en": "Received"},
    "hotline.status.finished": {"ms": "Sedang disemak", "en": "Under review"},
    "hotline.status.retracted": {"ms": "Ditutup", "en": "Closed"},
    "hotline.status.is": {"ms": "Status: {status}", "en": "Status: {status}"},
}
