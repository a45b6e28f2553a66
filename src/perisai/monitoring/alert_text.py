"""Spike alerts' words in Bahasa Malaysia and English (registered with `perisai.web.i18n`)."""

from __future__ import annotations

from perisai.web.i18n import register

MESSAGES: dict[str, dict[str, str]] = {
    "monalert.home": {"ms": "Amaran lonjakan", "en": "Spike alerts"},
    "monalert.title": {"ms": "Amaran lonjakan", "en": "Spike alerts"},
    "monalert.intro": {
        "ms": "Setiap jam, setiap siri dengan sejarah yang cukup diuji terhadap hari yang sama "
        "dalam 4–8 minggu sebelumnya (binomial negatif, CUSUM untuk kenaikan berterusan, "
        "kawalan kadar penemuan palsu Benjamini–Hochberg merentas semua siri). Hari mengikut "
        "waktu Malaysia (MYT).",
        "en": "Every hour, every series with enough history is tested against the same weekday "
        "of the previous 4–8 weeks (negative binomial, a CUSUM for sustained rises, "
        "Benjamini–Hochberg false-discovery control across all series). Days are Malaysia "
        "time (MYT).",
    },
    "monalert.filter": {"ms": "Status", "en": "Status"},
    "monalert.filter.open": {
        "ms": "Terbuka (baharu dan diakui)",
        "en": "Open (new and acknowledged)",
    },
    "monalert.filter.all": {"ms": "Semua", "en": "All"},
    "monalert.filter.new": {"ms": "Baharu", "en": "New"},
    "monalert.filter.acknowledged": {"ms": "Diakui", "en": "Acknowledged"},
    "monalert.filter.confirmed": {"ms": "Disahkan", "en": "Confirmed"},
    "monalert.filter.dismissed": {"ms": "Ditolak", "en": "Dismissed"},
    "monalert.caption": {
        "ms": "Amaran lonjakan, hari terkini dahulu",
        "en": "Spike alerts, latest day first",
    },
    "monalert.none": {"ms": "Tiada amaran di sini.", "en": "No alerts here."},
    "monalert.col.alert": {"ms": "Amaran", "en": "Alert"},
    "monalert.col.day": {"ms": "Hari (MYT)", "en": "Day (MYT)"},
    "monalert.col.series": {"ms": "Siri", "en": "Series"},
    "monalert.col.observed": {"ms": "Diperhatikan", "en": "Observed"},
    "monalert.col.expected": {"ms": "Dijangka", "en": "Expected"},
    "monalert.col.p": {"ms": "Nilai p", "en": "p-value"},
    "monalert.col.q": {"ms": "Nilai q (FDR)", "en": "q-value (FDR)"},
    "monalert.col.method": {"ms": "Kaedah", "en": "Method"},
    "monalert.col.status": {"ms": "Status", "en": "Status"},
    "monalert.col.window": {"ms": "Tetingkap", "en": "Window"},
    "monalert.col.run": {"ms": "Larian", "en": "Run"},
    "monalert.col.raised": {"ms": "Dibangkitkan", "en": "Raised"},
    "monalert.partial": {"ms": "(hari belum tamat)", "en": "(day in progress)"},
    "monalert.partial_long": {
        "ms": "dibangkitkan sebelum hari tamat: bilangan setakat itu sudah melebihi jangkaan "
        "sehari penuh",
        "en": "raised before the day ended: the count so far already beat the whole day's "
        "expectation",
    },
    "monalert.method.negbin": {"ms": "Lonjakan (1–2 hari)", "en": "Spike (1–2 days)"},
    "monalert.method.cusum": {"ms": "Kenaikan berterusan (CUSUM)", "en": "Sustained rise (CUSUM)"},
    "monalert.method.new_series": {"ms": "Siri baharu", "en": "New series"},
    "monalert.status.new": {"ms": "Baharu", "en": "New"},
    "monalert.status.acknowledged": {"ms": "Diakui", "en": "Acknowledged"},
    "monalert.status.confirmed": {"ms": "Disahkan", "en": "Confirmed"},
    "monalert.status.dismissed": {"ms": "Ditolak", "en": "Dismissed"},
    "monalert.one": {"ms": "Amaran lonjakan {alert}", "en": "Spike alert {alert}"},
    "monalert.evidence": {"ms": "Bukti", "en": "Evidence"},
    "monalert.summary.negbin": {
        "ms": "{series}: {observed} laporan pada {day}, dijangka {expected}.",
        "en": "{series}: {observed} reports on {day}, {expected} expected.",
    },
    "monalert.summary.window": {
        "ms": "{series}: {observed} laporan dalam {days} hari hingga {day}, dijangka {expected}.",
        "en": "{series}: {observed} reports in the {days} days to {day}, {expected} expected.",
    },
    "monalert.summary.cusum": {
        "ms": "{series}: {observed} laporan dalam {days} hari hingga {day}, dijangka {expected}.",
        "en": "{series}: {observed} reports in the {days} days to {day}, {expected} expected.",
    },
    "monalert.summary.new_series": {
        "ms": "{series}: siri yang tidak pernah dilihat, {observed} laporan pada {day}.",
        "en": "{series}: a series never seen before, {observed} reports on {day}.",
    },
    "monalert.window": {
        "ms": "{days} hari; garis dasar daripada {weeks} minggu",
        "en": "{days} days; baseline from {weeks} weeks",
    },
    "monalert.run": {
        "ms": "FDR {fdr}, bilangan minimum {min}, {series} siri diuji",
        "en": "FDR {fdr}, minimum count {min}, {series} series tested",
    },
    "monalert.trend": {"ms": "Lihat trend siri ini", "en": "See this series' trend"},
    "monalert.lifecycle": {"ms": "Kitaran hayat", "en": "Lifecycle"},
    "monalert.now": {"ms": "Status sekarang: {status}.", "en": "Status now: {status}."},
    "monalert.h.raised": {"ms": "Dibangkitkan {at}", "en": "Raised {at}"},
    "monalert.h.acknowledged": {
        "ms": "Diakui oleh {who}, {at}",
        "en": "Acknowledged by {who}, {at}",
    },
    "monalert.h.confirmed": {"ms": "Disahkan oleh {who}, {at}", "en": "Confirmed by {who}, {at}"},
    "monalert.h.dismissed": {"ms": "Ditolak oleh {who}, {at}", "en": "Dismissed by {who}, {at}"},
    "monalert.do.acknowledge": {"ms": "Akui", "en": "Acknowledge"},
    "monalert.do.confirm": {"ms": "Sahkan lonjakan", "en": "Confirm the spike"},
    "monalert.do.dismiss": {"ms": "Tolak", "en": "Dismiss"},
    "monalert.reason": {
        "ms": "Sebab menolak (wajib)",
        "en": "Reason for dismissing (required)",
    },
    "monalert.read_only": {
        "ms": "Hanya penyelia boleh mengakui, mengesahkan atau menolak amaran.",
        "en": "Only a supervisor can acknowledge, confirm or dismiss an alert.",
    },
    "monalert.done.acknowledged": {"ms": "Amaran diakui.", "en": "Alert acknowledged."},
    "monalert.done.confirmed": {"ms": "Amaran disahkan.", "en": "Alert confirmed."},
    "monalert.done.dismissed": {"ms": "Amaran ditolak.", "en": "Alert dismissed."},
    "monalert.err.reason": {
        "ms": "Tulis sebab menolak (1 hingga {max} aksara, tanpa aksara kawalan).",
        "en": "Write why it is dismissed (1 to {max} characters, no control characters).",
    },
    "monalert.err.step": {
        "ms": "Langkah itu tidak boleh diambil: amaran ini sudah {status}.",
        "en": "That step cannot be taken: this alert is already {status}.",
    },
}

register(MESSAGES)
