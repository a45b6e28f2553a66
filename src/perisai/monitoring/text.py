"""Monitoring's words in Bahasa Malaysia and English (registered with `perisai.web.i18n`)."""

from __future__ import annotations

from perisai.web.i18n import register

MESSAGES: dict[str, dict[str, str]] = {
    "mon.title": {"ms": "Pemantauan trend", "en": "Trend monitoring"},
    "mon.home": {"ms": "Pemantauan trend", "en": "Trend monitoring"},
    "mon.intro": {
        "ms": "Bilangan laporan mengikut hari atau jam (waktu Malaysia, MYT), dengan julat "
        "jangkaan 95%: bagi hari, model pengesan lonjakan sendiri (8 minggu sebelumnya, corak "
        "hari dalam minggu dikongsi antara siri; dikemas kini setiap jam); bagi jam, jam yang "
        "sama pada hari yang sama dalam 4–8 minggu sebelumnya.",
        "en": "Report counts per day or hour (Malaysia time, MYT), with the 95% expected range: "
        "per day, the spike detector's own model (the previous 8 weeks, weekday pattern shared "
        "across series; refreshed every hour); per hour, the same hour and weekday of the "
        "previous 4–8 weeks.",
    },
    "mon.filters": {"ms": "Tapis", "en": "Filters"},
    "mon.dimension": {"ms": "Siri mengikut", "en": "Series by"},
    "mon.from": {"ms": "Dari (tarikh MYT)", "en": "From (MYT date)"},
    "mon.to": {"ms": "Hingga (termasuk)", "en": "To (inclusive)"},
    "mon.granularity": {"ms": "Butiran", "en": "Granularity"},
    "mon.granularity.day": {"ms": "Harian", "en": "Daily"},
    "mon.granularity.hour": {"ms": "Setiap jam", "en": "Hourly"},
    "mon.show": {"ms": "Tunjuk", "en": "Show"},
    "mon.csv": {"ms": "Muat turun CSV", "en": "Download CSV"},
    "mon.fresh": {
        "ms": "Bilangan terkini sehingga {at}.",
        "en": "Counts up to date as of {at}.",
    },
    "mon.waiting": {
        "ms": "Perubahan sejak {at} belum dikira (kerja pengiraan berjalan setiap minit).",
        "en": "Changes since {at} are not counted yet (the counting job runs every minute).",
    },
    "mon.none": {
        "ms": "Tiada laporan dalam tempoh ini untuk siri ini.",
        "en": "No reports in this period for this series.",
    },
    "mon.more": {
        "ms": "{n} siri lagi dengan bilangan lebih kecil tidak ditunjukkan (ada dalam CSV).",
        "en": "{n} more series with smaller counts are not shown (they are in the CSV).",
    },
    "mon.caption": {
        "ms": "{series}: jumlah {total}, tertinggi {peak} pada {at}, {alerts} amaran.",
        "en": "{series}: total {total}, peak {peak} at {at}, {alerts} alerts.",
    },
    "mon.legend.observed": {"ms": "Diperhatikan", "en": "Observed"},
    "mon.legend.expected": {"ms": "Dijangka", "en": "Expected"},
    "mon.legend.band": {"ms": "Julat jangkaan 95%", "en": "95% expected range"},
    "mon.legend.alert": {"ms": "Amaran", "en": "Alert"},
    "mon.table": {"ms": "Angka carta ini", "en": "This chart's figures"},
    "mon.col.when": {"ms": "Masa (MYT)", "en": "Time (MYT)"},
    "mon.col.observed": {"ms": "Diperhatikan", "en": "Observed"},
    "mon.col.expected": {"ms": "Dijangka", "en": "Expected"},
    "mon.col.range": {"ms": "Julat 95%", "en": "95% range"},
    "mon.col.alert": {"ms": "Amaran", "en": "Alert"},
    "mon.above": {"ms": "di atas julat", "en": "above range"},
    "mon.no_history": {"ms": "sejarah belum cukup", "en": "not enough history"},
    "mon.alerts_hook": {
        "ms": "Amaran lonjakan akan ditanda di sini apabila pengesanan lonjakan berjalan.",
        "en": "Spike alerts are marked here once spike detection runs.",
    },
    "mon.error.date": {
        "ms": "Tulis tarikh seperti 2026-11-30.",
        "en": "Write a date such as 2026-11-30.",
    },
    "mon.error.order": {
        "ms": "Tarikh mula mesti sebelum atau sama dengan tarikh akhir.",
        "en": "The start date must be on or before the end date.",
    },
    "mon.error.span_day": {
        "ms": "Paling lama {days} hari untuk carta harian.",
        "en": "At most {days} days for a daily chart.",
    },
    "mon.error.span_hour": {
        "ms": "Paling lama {days} hari untuk carta setiap jam.",
        "en": "At most {days} days for an hourly chart.",
    },
    "mon.error.choice": {
        "ms": "Pilih daripada senarai.",
        "en": "Choose from the list.",
    },
    "mon.error.summary": {
        "ms": "Tapisan tidak dapat digunakan: betulkan medan yang ditanda.",
        "en": "The filters could not be used: correct the marked fields.",
    },
    # Dimensions and their values.
    "mon.dim.total": {"ms": "Semua laporan", "en": "All reports"},
    "mon.dim.source": {"ms": "Sumber", "en": "Source"},
    "mon.dim.type": {"ms": "Jenis kejadian", "en": "Incident type"},
    "mon.dim.offence": {"ms": "Kesalahan", "en": "Offence"},
    "mon.dim.state": {"ms": "Negeri", "en": "State"},
    "mon.dim.state_from": {
        "ms": "Asal maklumat negeri",
        "en": "Where the state came from",
    },
    "mon.dim.ai": {"ms": "Dijana AI", "en": "AI-generated"},
    "mon.dim.filetype": {"ms": "Jenis fail (bilangan fail)", "en": "File type (files)"},
    "mon.dim.media": {
        "ms": "Media baharu atau dikenali (bilangan fail)",
        "en": "New or known media (files)",
    },
    "mon.val.total": {"ms": "Semua laporan", "en": "All reports"},
    "mon.val.hotline": {"ms": "Talian hotline awam", "en": "Public hotline"},
    "mon.val.ncmec": {"ms": "NCMEC (CyberTipline)", "en": "NCMEC (CyberTipline)"},
    "mon.val.platform": {"ms": "Platform: {name}", "en": "Platform: {name}"},
    "mon.val.import": {"ms": "Import: {name}", "en": "Import: {name}"},
    "mon.val.unknown": {"ms": "Tidak diketahui", "en": "Unknown"},
    "mon.val.abroad": {"ms": "Luar Malaysia", "en": "Outside Malaysia"},
    "mon.val.jurisdiction": {
        "ms": "Bidang kuasa laporan (cth. borang hotline)",
        "en": "The report's jurisdiction (e.g. the hotline form)",
    },
    "mon.val.ip": {"ms": "Geolokasi IP (bandar)", "en": "IP geolocation (city)"},
    "mon.val.none": {"ms": "Tiada", "en": "None"},
    "mon.val.yes": {"ms": "Ya", "en": "Yes"},
    "mon.val.no": {"ms": "Tidak", "en": "No"},
    "mon.val.image": {"ms": "Imej", "en": "Image"},
    "mon.val.video": {"ms": "Video", "en": "Video"},
    "mon.val.audio": {"ms": "Audio", "en": "Audio"},
    "mon.val.document": {"ms": "Dokumen", "en": "Document"},
    "mon.val.other": {"ms": "Lain-lain", "en": "Other"},
    "mon.val.known": {"ms": "Dikenali (padanan bank)", "en": "Known (bank match)"},
    "mon.val.new": {"ms": "Baharu", "en": "New"},
    # Public statistics.
    "stats.title": {"ms": "Statistik laporan", "en": "Report statistics"},
    "stats.intro": {
        "ms": "Angka bulanan laporan yang diterima oleh pasukan petugas, notis penurunan "
        "kandungan yang dihantar kepada platform, dan masa sehingga kandungan dibuang. Bulan "
        "mengikut waktu Malaysia (MYT); bulan semasa belum lengkap.",
        "en": "Monthly figures of the reports the task force received, the takedown notices "
        "sent to platforms, and the time until content was removed. Months are Malaysia time "
        "(MYT); the current month is not complete.",
    },
    "stats.suppressed": {
        "ms": "Untuk melindungi kanak-kanak dan pelapor, bilangan antara 1 dan 9 ditunjukkan "
        "sebagai \u201c<10\u201d, dan satu lagi angka dalam baris yang sama disembunyikan "
        "apabila jumlah baris boleh mendedahkannya.",
        "en": "To protect children and reporters, counts from 1 to 9 are shown as "
        "\u201c<10\u201d, and one more figure in the same row is hidden when the row's total "
        "could reveal it.",
    },
    "stats.by_source": {"ms": "Laporan mengikut sumber", "en": "Reports by source"},
    "stats.by_type": {"ms": "Laporan mengikut jenis kejadian", "en": "Reports by incident type"},
    "stats.notices": {
        "ms": "Notis penurunan kandungan dihantar",
        "en": "Takedown notices sent",
    },
    "stats.removals": {
        "ms": "Penurunan kandungan mengikut platform ({first} hingga {last})",
        "en": "Removals by platform ({first} to {last})",
    },
    "stats.col.month": {"ms": "Bulan", "en": "Month"},
    "stats.col.total": {"ms": "Jumlah", "en": "Total"},
    "stats.col.platform": {"ms": "Platform", "en": "Platform"},
    "stats.col.notices": {"ms": "Notis dihantar", "en": "Notices sent"},
    "stats.col.removed": {"ms": "Dibuang", "en": "Removed"},
    "stats.col.share": {"ms": "Peratus dibuang", "en": "Share removed"},
    "stats.col.median": {
        "ms": "Median masa hingga dibuang (jam)",
        "en": "Median time to removal (hours)",
    },
    "stats.no_median": {
        "ms": "— (kurang daripada 10 dibuang)",
        "en": "— (fewer than 10 removed)",
    },
    "stats.other_platforms": {
        "ms": "Platform lain (setiap satu kurang daripada 10 notis)",
        "en": "Other platforms (fewer than 10 notices each)",
    },
    "stats.none": {"ms": "Tiada data lagi.", "en": "No data yet."},
    "stats.hotline": {"ms": "Lapor kepada talian hotline", "en": "Report to the hotline"},
}

register(MESSAGES)
