"""The viral pages' words in Bahasa Malaysia and English."""

from __future__ import annotations

from perisai.web.i18n import register

register(
    {
        "home.ws.viral": {"ms": "Sebaran tular", "en": "Viral spread"},
        "viral.title": {"ms": "Sebaran tular", "en": "Viral spread"},
        "viral.intro": {
            "ms": "Kelompok salinan media yang sama (termasuk salinan yang diubah saiz, dikodkan "
            "semula, dipangkas atau bertindih teks) yang dilaporkan dari {platforms} platform "
            "atau {accounts} akaun dalam tempoh {hours} jam.",
            "en": "Clusters of copies of the same media (resized, re-encoded, cropped or "
            "overlaid copies included) reported from {platforms} platforms or {accounts} "
            "accounts within {hours} hours.",
        },
        "viral.every": {
            "ms": "Tunjuk semua kelompok berulang",
            "en": "Show every repeated cluster",
        },
        "viral.only_viral": {
            "ms": "Tunjuk kelompok tular sahaja",
            "en": "Show viral clusters only",
        },
        "viral.none": {"ms": "Tiada kelompok tular.", "en": "No viral clusters."},
        "viral.caption": {
            "ms": "Kelompok tular, amaran terbaharu dahulu",
            "en": "Viral clusters, most recent alert first",
        },
        "viral.col.cluster": {"ms": "Kelompok", "en": "Cluster"},
        "viral.col.alerted": {"ms": "Amaran", "en": "Alert"},
        "viral.col.first_seen": {"ms": "Mula dilihat", "en": "First seen"},
        "viral.col.last_seen": {"ms": "Terakhir dilihat", "en": "Last seen"},
        "viral.col.platforms": {"ms": "Platform", "en": "Platforms"},
        "viral.col.reports": {"ms": "Laporan", "en": "Reports"},
        "viral.col.waiting": {"ms": "Cadangan menunggu", "en": "Proposals waiting"},
        "viral.col.accounts": {"ms": "Akaun", "en": "Accounts"},
        "viral.col.report": {"ms": "Laporan", "en": "Report"},
        "viral.col.seen": {"ms": "Diterima", "en": "Received"},
        "viral.col.joined": {"ms": "Disertai melalui", "en": "Joined by"},
        "viral.col.hour": {"ms": "Masa", "en": "Time"},
        "viral.col.urls": {"ms": "Alamat dilaporkan", "en": "Reported addresses"},
        "viral.not_alerted": {"ms": "belum tular", "en": "not viral yet"},
        "viral.live_new": {
            "ms": "Amaran sebaran tular baharu: kelompok {cluster}",
            "en": "New viral-spread alert: cluster {cluster}",
        },
        "viral.cluster.title": {"ms": "Kelompok {cluster}", "en": "Cluster {cluster}"},
        "viral.cluster.summary": {
            "ms": "Mula dilihat {first}; terakhir dilihat {last}; {media} fail dalam {reports} "
            "laporan.",
            "en": "First seen {first}; last seen {last}; {media} file(s) in {reports} report(s).",
        },
        "viral.cluster.merged": {
            "ms": "Kelompok yang digabungkan ke dalam kelompok ini: {clusters}",
            "en": "Clusters merged into this one: {clusters}",
        },
        "viral.alerts": {"ms": "Amaran", "en": "Alerts"},
        "viral.alert.line": {
            "ms": "{at}: {platforms} platform dan {accounts} akaun antara {start} dan {end} "
            "(peraturan: {rule})",
            "en": "{at}: {platforms} platform(s) and {accounts} account(s) between {start} and "
            "{end} (rule: {rule})",
        },
        "viral.rule.platforms": {"ms": "platform", "en": "platforms"},
        "viral.rule.accounts": {"ms": "akaun", "en": "accounts"},
        "viral.rule.both": {"ms": "platform dan akaun", "en": "platforms and accounts"},
        "viral.platforms": {
            "ms": "Platform tempat ia dilihat",
            "en": "Platforms where it was seen",
        },
        "viral.counts": {"ms": "Laporan mengikut masa", "en": "Reports over time"},
        "viral.counts.hour": {
            "ms": "Laporan sejam (waktu Malaysia)",
            "en": "Reports per hour (Malaysia time)",
        },
        "viral.counts.day": {
            "ms": "Laporan sehari (waktu Malaysia)",
            "en": "Reports per day (Malaysia time)",
        },
        "viral.counts.bar": {"ms": "{at}: {n} laporan", "en": "{at}: {n} report(s)"},
        "viral.reports": {"ms": "Laporan dalam kelompok", "en": "Reports in the cluster"},
        "viral.joined.new": {"ms": "memulakan kelompok", "en": "started the cluster"},
        "viral.joined.near": {
            "ms": "{kind}, jarak {distance}",
            "en": "{kind}, distance {distance}",
        },
        "viral.proposals": {"ms": "Cadangan tindakan", "en": "Proposed actions"},
        "viral.proposals.hint": {
            "ms": "Tiada apa-apa dilakukan sehingga seseorang mengesahkan.",
            "en": "Nothing happens until a person confirms.",
        },
        "viral.proposal.bank_add": {
            "ms": "Tambah cincangan kelompok ini ke bank yang dikongsi dengan platform ({bank})",
            "en": "Add this cluster's hashes to the bank shared with platforms ({bank})",
        },
        "viral.proposal.takedown": {
            "ms": "Hantar notis penurunan kepada {platform}",
            "en": "Send a takedown notice to {platform}",
        },
        "viral.state.proposed": {"ms": "dicadangkan", "en": "proposed"},
        "viral.state.confirmed": {"ms": "disahkan", "en": "confirmed"},
        "viral.state.dismissed": {"ms": "ditolak", "en": "dismissed"},
        "viral.decided": {"ms": "{state} oleh {who} pada {at}", "en": "{state} by {who} at {at}"},
        "viral.url": {"ms": "Alamat untuk diturunkan", "en": "Address to take down"},
        "viral.confirm": {"ms": "Sahkan", "en": "Confirm"},
        "viral.dismiss": {"ms": "Tolak", "en": "Dismiss"},
        "viral.note": {
            "ms": "Sebab menolak (sekurang-kurangnya 10 aksara)",
            "en": "Why not (at least 10 characters)",
        },
        "viral.done.confirmed": {"ms": "Cadangan disahkan.", "en": "Proposal confirmed."},
        "viral.done.dismissed": {"ms": "Cadangan ditolak.", "en": "Proposal dismissed."},
        "viral.err.url": {
            "ms": "Berikan alamat http(s) kandungan di platform itu (paling banyak 4096 aksara).",
            "en": "Give the http(s) address of the content on that platform (at most 4096 "
            "characters).",
        },
        "viral.err.note": {
            "ms": "Sebab mesti antara 10 hingga 2000 aksara.",
            "en": "The reason must be 10 to 2000 characters.",
        },
        "viral.err.decided": {
            "ms": "Cadangan ini sudah diputuskan.",
            "en": "This proposal was decided already.",
        },
        "viral.err.bank": {
            "ms": "Bank kongsi tidak dapat menerima cincangan ini: {detail}",
            "en": "The shared bank cannot take these hashes: {detail}",
        },
        "viral.err.other": {
            "ms": "Tindakan tidak dapat dilakukan: {detail}",
            "en": "The action could not be carried out: {detail}",
        },
        "viral.err.title": {"ms": "Ralat", "en": "Error"},
    }
)
