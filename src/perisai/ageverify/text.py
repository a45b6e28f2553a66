"""The age-check page's words in Bahasa Malaysia and English (registered with perisai.web.i18n)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "age.title": {
        "ms": "Semakan umur dalam talian: apa yang dikongsi",
        "en": "Online age checks: what is shared",
    },
    "age.intro": {
        "ms": "Platform dalam talian mungkin perlu memastikan anak anda cukup umur, contohnya "
        "16 tahun untuk membuka akaun media sosial. Dengan bukti umur digital dalam aplikasi "
        "dompet di telefon, telefon itu menjawab satu soalan sahaja: adakah orang ini "
        "sekurang-kurangnya N tahun?",
        "en": "Online platforms may need to make sure your child is old enough, for example 16 "
        "to open a social-media account. With a digital proof of age in a wallet app on the "
        "phone, the phone answers one question only: is this person at least N years old?",
    },
    "age.shared.title": {"ms": "Apa yang platform tahu", "en": "What the platform learns"},
    "age.shared.1": {
        "ms": "Ya atau tidak bagi satu had umur (contohnya: sekurang-kurangnya 16: ya).",
        "en": "Yes or no for one age threshold (for example: at least 16: yes).",
    },
    "age.shared.2": {
        "ms": "Bahawa jawapan itu dijamin oleh pengeluar yang dipercayai dan dihantar dari "
        "telefon yang memegang bukti itu, sekarang, untuk platform ini sahaja.",
        "en": "That the answer is vouched for by a trusted issuer and came from the phone that "
        "holds the proof, now, for this platform only.",
    },
    "age.not_shared.title": {"ms": "Apa yang tidak dikongsi", "en": "What is not shared"},
    "age.not_shared.1": {
        "ms": "Nama, tarikh lahir, umur sebenar, nombor MyKad, gambar, alamat atau nombor "
        "telefon anak anda.",
        "en": "Your child's name, date of birth, exact age, MyKad number, photo, address or "
        "phone number.",
    },
    "age.not_shared.2": {
        "ms": "Had umur lain yang tidak ditanya: jika platform bertanya tentang 16, ia tidak "
        "diberitahu sama ada anak anda sudah 18.",
        "en": "Other thresholds that were not asked: if the platform asks about 16, it is not "
        "told whether your child is 18.",
    },
    "age.not_shared.3": {
        "ms": "Platform mana yang bertanya tidak diberitahu kepada pengeluar bukti umur.",
        "en": "The issuer of the proof is not told which platform asked.",
    },
    "age.kept.title": {"ms": "Apa yang kami simpan", "en": "What we keep"},
    "age.kept.1": {
        "ms": "Satu kod sekali guna bagi setiap semakan, disimpan sebagai cap jari (hash) "
        "selama beberapa minit supaya jawapan tidak boleh diguna semula.",
        "en": "A single-use code for each check, kept as a fingerprint (hash) for a few minutes "
        "so that an answer cannot be replayed.",
    },
    "age.kept.2": {
        "ms": "Bilangan semakan dan keputusannya untuk audit. Bukti yang dihantar oleh telefon "
        "tidak pernah disimpan.",
        "en": "The number of checks and their results, for audit. The proof the phone sends is "
        "never stored.",
    },
    "age.unlinkable": {
        "ms": "Setiap semakan menggunakan bukti sekali guna yang berbeza, jadi dua platform "
        "tidak dapat memadankan jawapan kepada orang yang sama (kecuali jika pengeluar dan "
        "platform bersubahat).",
        "en": "Each check uses a different single-use proof, so two platforms cannot match "
        "their answers to the same person (unless the issuer and a platform collude).",
    },
    "age.unknown.title": {
        "ms": "Jika jawapannya \u201ctidak diketahui\u201d",
        "en": "When the answer is \u201cunknown\u201d",
    },
    "age.unknown.text": {
        "ms": "Tiada bukti, bukti tamat tempoh, atau bukti hanya menyatakan had umur lain. "
        "Platform mengikut dasarnya: menolak (lalai) atau menawarkan cara lain yang sah. "
        "Platform tidak sepatutnya meminta nombor MyKad sebagai ganti: umur tidak boleh "
        "diteka dengan selamat daripada nombor kad pengenalan.",
        "en": "There was no proof, it had expired, or it only states another threshold. The "
        "platform follows its policy: refuse (the default) or offer another lawful way. It "
        "should not ask for a MyKad number instead: an age cannot safely be guessed from an "
        "identity card number.",
    },
    "age.minimums.title": {"ms": "Umur minimum", "en": "Minimum ages"},
    "age.minimums.feature": {"ms": "Ciri", "en": "Feature"},
    "age.minimums.age": {"ms": "Umur minimum", "en": "Minimum age"},
    "age.minimums.account": {
        "ms": "Membuka akaun media sosial",
        "en": "Opening a social-media account",
    },
    "age.minimums.account_age": {
        "ms": "16 (lalai kebangsaan; platform boleh menetapkan lebih tinggi)",
        "en": "16 (the national default; a platform may set it higher)",
    },
    "age.minimums.other": {
        "ms": "Ciri lain (contohnya mesej langsung, siaran langsung)",
        "en": "Other features (for example direct messages, live streaming)",
    },
    "age.minimums.other_age": {
        "ms": "Ditetapkan oleh platform, antara 13 dan 25",
        "en": "Set by the platform, between 13 and 25",
    },
    "age.help": {
        "ms": "Bimbang tentang sesuatu yang anak anda alami dalam talian? Buat laporan:",
        "en": "Worried about something your child met online? Make a report:",
    },
    "age.help.link": {"ms": "Lapor", "en": "Report"},
}
