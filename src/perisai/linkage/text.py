"""Malay and English text of the linkage page."""

from __future__ import annotations

from perisai.web.i18n import register

MESSAGES = {
    "links.error": {
        "ms": "Pengecam ini tidak dapat dibaca. Semak ejaannya, atau pilih jenisnya.",
        "en": "This identifier cannot be read. Check how it is written, or choose its kind.",
    },
    "links.error.kind": {
        "ms": "Jenis pengecam ini tidak dapat dikenal pasti: pilih Jenis daripada senarai "
        "(atau isi Platform untuk nama pengguna).",
        "en": "Cannot tell what kind of identifier this is: choose its Kind from the list "
        "(or fill in the Platform for a username).",
    },
    "links.error.platform": {
        "ms": "Nama pengguna perlu platformnya (contoh: instagram); isi medan Platform.",
        "en": "A username needs its platform (e.g. instagram); fill in the Platform field.",
    },
    "links.error.email": {
        "ms": "Ini bukan alamat e-mel yang sah.",
        "en": "This is not a valid email address.",
    },
    "links.error.phone": {
        "ms": "Ini bukan nombor telefon yang sah.",
        "en": "This is not a valid phone number.",
    },
    "links.error.url": {"ms": "Ini bukan URL yang sah.", "en": "This is not a valid URL."},
    "links.error.ip": {
        "ms": "Ini bukan alamat IP yang sah.",
        "en": "This is not a valid IP address.",
    },
    "links.error.payment": {
        "ms": "Tulis pembayaran sebagai JENIS:NILAI (contoh: bank:MAYBANK:1234567890).",
        "en": "Write a payment as KIND:VALUE (e.g. bank:MAYBANK:1234567890).",
    },
    "links.error.username": {
        "ms": "Nama pengguna kosong atau mengandungi aksara kawalan.",
        "en": "The username is empty or holds control characters.",
    },
    "links.error.mykad": {
        "ms": "Ini bukan nombor MyKad yang sah.",
        "en": "This is not a valid MyKad number.",
    },
    "links.title": {"ms": "Pautan pengecam", "en": "Identifier links"},
    "links.home": {
        "ms": "Pautan pengecam merentas laporan",
        "en": "Identifier links across reports",
    },
    "links.intro": {
        "ms": "Cari e-mel, nombor telefon, nama pengguna, ID peranti, URL atau alamat IP. "
        "Setiap carian direkodkan dalam log audit.",
        "en": "Search an email, phone number, username, device id, URL or IP address. "
        "Every search is recorded in the audit log.",
    },
    "links.identifier": {"ms": "Pengecam", "en": "Identifier"},
    "links.kind": {"ms": "Jenis", "en": "Kind"},
    "links.kind.auto": {"ms": "Kesan sendiri", "en": "Detect"},
    "links.platform": {
        "ms": "Platform (untuk nama pengguna)",
        "en": "Platform (for usernames)",
    },
    "links.search": {"ms": "Cari", "en": "Search"},
    "links.none": {
        "ms": "Tiada laporan mengandungi pengecam ini.",
        "en": "No report carries this identifier.",
    },
    "links.summary": {
        "ms": "{reports} laporan dipautkan kepada {identifier}.",
        "en": "{reports} report(s) linked to {identifier}.",
    },
    "links.truncated": {
        "ms": "Kelompok ini dipotong pada had laporan; perincikan carian.",
        "en": "This cluster was cut at the report limit; narrow the search.",
    },
    "links.graph": {"ms": "Graf pautan", "en": "Link graph"},
    "links.graph.desc": {
        "ms": "Laporan dan pengecam atau media yang dikongsi antara mereka. "
        "Jadual di bawah menyenaraikan maklumat yang sama.",
        "en": "Reports and the identifiers or media they share. "
        "The tables below list the same information.",
    },
    "links.graph.too_large": {
        "ms": "Graf terlalu besar untuk dilukis; lihat jadual.",
        "en": "The graph is too large to draw; see the tables.",
    },
    "links.legend.report": {"ms": "Laporan", "en": "Report"},
    "links.legend.seed": {"ms": "Pengecam yang dicari", "en": "Searched identifier"},
    "links.legend.identifier": {"ms": "Pengecam dikongsi", "en": "Shared identifier"},
    "links.legend.media": {"ms": "Media dikongsi", "en": "Shared media"},
    "links.reports": {"ms": "Laporan", "en": "Reports"},
    "links.identifiers": {"ms": "Pengecam", "en": "Identifiers"},
    "links.links": {"ms": "Pautan dan sebabnya", "en": "Links and their reasons"},
    "links.media": {"ms": "Media dikongsi", "en": "Shared media"},
    "links.timeline": {"ms": "Garis masa", "en": "Timeline"},
    "links.col.report": {"ms": "Laporan", "en": "Report"},
    "links.col.status": {"ms": "Status", "en": "Status"},
    "links.col.received": {"ms": "Diterima", "en": "Received"},
    "links.col.occurred": {"ms": "Kejadian", "en": "Incident"},
    "links.col.type": {"ms": "Jenis kejadian", "en": "Incident type"},
    "links.col.kind": {"ms": "Jenis", "en": "Kind"},
    "links.col.value": {"ms": "Nilai", "en": "Value"},
    "links.col.originals": {"ms": "Seperti ditulis", "en": "As written"},
    "links.col.reports": {"ms": "Laporan", "en": "Reports"},
    "links.col.between": {"ms": "Antara", "en": "Between"},
    "links.col.reasons": {"ms": "Sebab", "en": "Reasons"},
    "links.col.algorithm": {"ms": "Algoritma", "en": "Algorithm"},
    "links.col.hash": {"ms": "Cincangan", "en": "Hash"},
    "links.col.files": {"ms": "Fail", "en": "Files"},
    "links.col.at": {"ms": "Masa", "en": "Time"},
    "links.col.event": {"ms": "Peristiwa", "en": "Event"},
    "links.col.detail": {"ms": "Butiran", "en": "Detail"},
    "links.event.report_received": {"ms": "Laporan diterima", "en": "Report received"},
    "links.event.incident": {"ms": "Kejadian", "en": "Incident"},
    "links.event.ip_event": {"ms": "Peristiwa IP", "en": "IP event"},
}

register(MESSAGES)
