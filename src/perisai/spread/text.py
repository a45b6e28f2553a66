"""The stop-the-spread pages' words in Bahasa Malaysia and English, written for a child and a
parent (registered with `web.i18n`)."""

from __future__ import annotations

from perisai.web.i18n import register

MESSAGES: dict[str, dict[str, str]] = {
    "spread.title": {"ms": "Hentikan sebaran", "en": "Stop the spread"},
    "spread.lead": {
        "ms": "Ada gambar atau video kamu yang tersebar, atau seseorang mengugut untuk "
        "menyebarkannya? Kamu tidak bersalah. Di sini kamu boleh minta aplikasi dan laman web "
        "menyekatnya, tanpa menunjukkan gambar itu kepada sesiapa.",
        "en": "Is a picture or video of you being shared, or is someone threatening to share "
        "it? It is not your fault. Here you can ask apps and websites to block it, without "
        "showing the picture to anyone.",
    },
    "spread.nav.label": {"ms": "Halaman ini", "en": "This page"},
    "spread.nav.start": {"ms": "Mula", "en": "Start"},
    "spread.nav.status": {"ms": "Semak status", "en": "Check status"},
    "spread.nav.report": {"ms": "Lapor", "en": "Report"},
    # Get help now.
    "spread.help.title": {"ms": "Perlukan bantuan sekarang?", "en": "Need help now?"},
    "spread.help.999": {
        "ms": "Dalam bahaya sekarang? Telefon 999 (polis dan kecemasan).",
        "en": "In danger now? Call 999 (police and emergency).",
    },
    "spread.help.kasih": {
        "ms": "Talian Kasih 15999 (atau WhatsApp 019-261 5999): bercakap dengan seseorang, "
        "percuma, 24 jam.",
        "en": "Talian Kasih 15999 (or WhatsApp 019-261 5999): talk to someone, free, 24 hours.",
    },
    "spread.help.hotline": {
        "ms": "Lapor kepada pasukan petugas melalui talian aduan kami",
        "en": "Report to the task force through our hotline",
    },
    "spread.help.adult": {
        "ms": "Beritahu orang dewasa yang kamu percayai. Jangan bayar dan jangan hantar gambar "
        "lagi kepada orang yang mengugut kamu; simpan mesej mereka.",
        "en": "Tell an adult you trust. Do not pay and do not send more pictures to someone "
        "threatening you; keep their messages.",
    },
    # How it works.
    "spread.how.title": {"ms": "Bagaimana ia berfungsi", "en": "How it works"},
    "spread.how.1": {
        "ms": "Kamu pilih gambar atau video dalam telefon atau komputer kamu.",
        "en": "You choose the picture or video on your phone or computer.",
    },
    "spread.how.2": {
        "ms": "Telefon kamu mengira \u201ccap jari\u201d digitalnya: satu rentetan huruf dan "
        "nombor. Gambar tidak boleh dibina semula daripada cap jari.",
        "en": "Your phone works out its digital \u201cfingerprint\u201d: a string of letters "
        "and numbers. The picture cannot be rebuilt from the fingerprint.",
    },
    "spread.how.3": {
        "ms": "Hanya cap jari dihantar kepada kami. Aplikasi dan laman web yang bekerjasama "
        "membandingkan muat naik dengan cap jari itu dan boleh menyekat padanan.",
        "en": "Only the fingerprint is sent to us. Apps and websites that work with us compare "
        "uploads with the fingerprint and can block a match.",
    },
    "spread.stays": {
        "ms": "Gambar kamu kekal dalam peranti kamu. Ia tidak dimuat naik, tidak disimpan dan "
        "tiada sesiapa di sini melihatnya.",
        "en": "Your picture stays on your device. It is not uploaded, not stored, and nobody "
        "here sees it.",
    },
    "spread.cannot.title": {"ms": "Apa yang tidak dapat dibuat", "en": "What it cannot do"},
    "spread.cannot.1": {
        "ms": "Ia tidak dapat memadam salinan yang sudah ada di telefon orang lain atau di "
        "aplikasi yang tidak bekerjasama dengan kami.",
        "en": "It cannot delete copies already on someone's phone or on apps that do not work "
        "with us.",
    },
    "spread.cannot.2": {
        "ms": "Jika gambar itu banyak diubah (dipotong teruk, dilukis atasnya), ia mungkin "
        "tidak dikenali.",
        "en": "If the picture is changed a lot (cropped hard, drawn over), it may not be "
        "recognised.",
    },
    "spread.cannot.3": {
        "ms": "Ia bukan laporan polis. Untuk siasatan, gunakan talian aduan atau pergi ke balai "
        "polis.",
        "en": "It is not a police report. For an investigation, use the hotline or go to a "
        "police station.",
    },
    "spread.parent.title": {"ms": "Untuk ibu bapa dan penjaga", "en": "For parents and carers"},
    "spread.parent.text": {
        "ms": "Anda boleh melakukan ini bersama anak anda, pada peranti anak. Jangan hantar "
        "gambar itu kepada diri anda sendiri atau orang lain untuk melakukannya: menyimpan atau "
        "berkongsi gambar seksual kanak-kanak adalah satu kesalahan, walaupun dengan niat baik. "
        "Tenangkan anak: dia tidak bersalah.",
        "en": "You can do this together with your child, on the child's device. Do not send "
        "the picture to yourself or anyone else to do it: keeping or sharing a sexual picture "
        "of a child is an offence, even with good intentions. Reassure your child: it is not "
        "their fault.",
    },
    # The tool.
    "spread.tool.title": {"ms": "Buat cap jari", "en": "Make the fingerprints"},
    "spread.tool.nojs": {
        "ms": "Cap jari dikira oleh pelayar kamu, jadi halaman ini perlukan JavaScript. Hidupkan "
        "JavaScript, atau minta bantuan melalui talian aduan.",
        "en": "The fingerprints are worked out by your browser, so this page needs JavaScript. "
        "Turn JavaScript on, or ask for help through the hotline.",
    },
    "spread.tool.unsupported": {
        "ms": "Pelayar ini tidak dapat mengira cap jari. Cuba Chrome, Edge, Firefox atau Safari "
        "yang terkini.",
        "en": "This browser cannot work out fingerprints. Try an up-to-date Chrome, Edge, "
        "Firefox or Safari.",
    },
    "spread.tool.file": {
        "ms": "Pilih gambar atau video (paling banyak {n})",
        "en": "Choose pictures or videos (at most {n})",
    },
    "spread.tool.file.hint": {
        "ms": "Gambar sehingga 50 MB, video sehingga 200 MB dan 10 minit. Fail itu tidak "
        "meninggalkan peranti kamu.",
        "en": "Pictures up to 50 MB, videos up to 200 MB and 10 minutes. The file does not "
        "leave your device.",
    },
    "spread.tool.working": {
        "ms": "Sedang mengira cap jari\u2026 ({done} daripada {total})",
        "en": "Working out the fingerprints\u2026 ({done} of {total})",
    },
    "spread.tool.done": {
        "ms": "Siap: {n} cap jari sedia untuk dihantar. Gambar tidak dihantar.",
        "en": "Done: {n} fingerprints ready to send. The picture is not sent.",
    },
    "spread.tool.fingerprint": {"ms": "Cap jari", "en": "Fingerprint"},
    "spread.tool.failed": {
        "ms": "{name}: tidak dapat dibaca ({why}).",
        "en": "{name}: could not be read ({why}).",
    },
    "spread.why.empty": {"ms": "fail kosong", "en": "the file is empty"},
    "spread.why.unsupported": {
        "ms": "bukan gambar atau video",
        "en": "not a picture or a video",
    },
    "spread.why.too_large": {"ms": "terlalu besar", "en": "too large"},
    "spread.why.corrupt": {"ms": "fail rosak", "en": "the file is damaged"},
    "spread.why.failed": {"ms": "ralat", "en": "an error"},
    # The submission form.
    "spread.form.title": {"ms": "Hantar cap jari", "en": "Send the fingerprints"},
    "spread.form.under18": {
        "ms": "Orang dalam gambar atau video ini berumur bawah 18 tahun semasa ia dibuat.",
        "en": "The person in this picture or video was under 18 when it was made.",
    },
    "spread.form.contact": {
        "ms": "Cara menghubungi kamu (pilihan)",
        "en": "A way to contact you (optional)",
    },
    "spread.form.contact.hint": {
        "ms": "E-mel atau nombor telefon, jika kamu mahu kami menghubungi kamu. Biarkan kosong "
        "untuk kekal tanpa nama.",
        "en": "An email or phone number, if you want us to contact you. Leave it empty to stay "
        "anonymous.",
    },
    "spread.form.submit": {"ms": "Hantar cap jari sahaja", "en": "Send only the fingerprints"},
    "spread.form.need_hashes": {
        "ms": "Pilih gambar atau video dahulu.",
        "en": "Choose a picture or video first.",
    },
    # After submitting.
    "spread.done.title": {"ms": "Cap jari telah dihantar", "en": "The fingerprints were sent"},
    "spread.done.active": {
        "ms": "Aplikasi dan laman web yang bekerjasama dengan kami kini boleh menyekatnya.",
        "en": "Apps and websites that work with us can now block it.",
    },
    "spread.done.held": {
        "ms": "Seorang kakitangan akan menyemak penghantaran ini dahulu, kemudian aplikasi dan "
        "laman web boleh menyekatnya.",
        "en": "A member of staff will check this submission first, then apps and websites can "
        "block it.",
    },
    "spread.done.keep": {
        "ms": "Simpan kod dan rahsia ini di tempat selamat. Kamu perlukan kedua-duanya untuk "
        "menyemak status atau menarik balik. Kami tidak dapat menunjukkannya lagi.",
        "en": "Keep this code and secret somewhere safe. You need both to check the status or "
        "to withdraw. We cannot show them again.",
    },
    "spread.code": {"ms": "Kod kes", "en": "Case code"},
    "spread.secret": {"ms": "Rahsia", "en": "Secret"},
    # Status.
    "spread.status.title": {"ms": "Semak status", "en": "Check the status"},
    "spread.status.intro": {
        "ms": "Masukkan kod kes dan rahsia yang kamu terima.",
        "en": "Enter the case code and the secret you were given.",
    },
    "spread.status.submit": {"ms": "Semak", "en": "Check"},
    "spread.status.submitted": {"ms": "Dihantar pada", "en": "Sent on"},
    "spread.status.files": {"ms": "Gambar atau video", "en": "Pictures or videos"},
    "spread.status.state": {"ms": "Status", "en": "Status"},
    "spread.state.active": {
        "ms": "Aktif: aplikasi yang bekerjasama menyekatnya",
        "en": "Active: apps that work with us block it",
    },
    "spread.state.held": {
        "ms": "Sedang disemak oleh kakitangan",
        "en": "Being checked by staff",
    },
    "spread.state.withdrawn": {
        "ms": "Ditarik balik: tidak lagi disekat",
        "en": "Withdrawn: no longer blocked",
    },
    "spread.status.seen": {
        "ms": "Dilihat dan disekat {n} kali",
        "en": "Seen and blocked {n} times",
    },
    "spread.status.seen.note": {
        "ms": "Setiap kali aplikasi yang bekerjasama menjumpai padanan. Kami tidak tahu dan "
        "tidak menunjukkan siapa yang memuat naiknya.",
        "en": "Each time an app that works with us found a match. We do not know or show who "
        "uploaded it.",
    },
    "spread.withdraw.title": {"ms": "Tarik balik", "en": "Withdraw"},
    "spread.withdraw.text": {
        "ms": "Jika kamu tarik balik, cap jari dikeluarkan dan aplikasi tidak lagi menyekatnya. "
        "Ini tidak boleh dibatalkan.",
        "en": "If you withdraw, the fingerprints are removed and apps no longer block it. This "
        "cannot be undone.",
    },
    "spread.withdraw.confirm": {
        "ms": "Ya, saya mahu menarik balik",
        "en": "Yes, I want to withdraw",
    },
    "spread.withdraw.submit": {"ms": "Tarik balik", "en": "Withdraw"},
    "spread.withdrawn": {
        "ms": "Ditarik balik. Cap jari telah dikeluarkan.",
        "en": "Withdrawn. The fingerprints were removed.",
    },
    # Errors.
    "spread.err.title": {"ms": "Ada masalah", "en": "There is a problem"},
    "spread.err.no_files": {
        "ms": "Tiada cap jari diterima. Pilih gambar atau video dan cuba lagi.",
        "en": "No fingerprints arrived. Choose a picture or video and try again.",
    },
    "spread.err.bad_hashes": {
        "ms": "Cap jari tidak lengkap atau rosak. Pilih fail semula dan cuba lagi.",
        "en": "The fingerprints are incomplete or damaged. Choose the files again and try again.",
    },
    "spread.err.under18": {
        "ms": "Tandakan kotak ini: perkhidmatan ini untuk gambar orang bawah 18 tahun.",
        "en": "Tick this box: this service is for pictures of people under 18.",
    },
    "spread.err.contact": {
        "ms": "Cara menghubungi terlalu panjang (paling banyak 200 aksara).",
        "en": "The contact is too long (at most 200 characters).",
    },
    "spread.err.not_found": {
        "ms": "Kod atau rahsia tidak betul. Semak semula dan cuba lagi.",
        "en": "The code or the secret is not right. Check them and try again.",
    },
    "spread.err.confirm": {
        "ms": "Tandakan kotak untuk mengesahkan.",
        "en": "Tick the box to confirm.",
    },
    "spread.err.slow_down": {
        "ms": "Terlalu banyak percubaan. Tunggu beberapa minit dan cuba lagi.",
        "en": "Too many tries. Wait a few minutes and try again.",
    },
    "spread.err.too_large": {
        "ms": "Borang terlalu besar.",
        "en": "The form is too large.",
    },
    "spread.err.not_held": {
        "ms": "Laporan ini tidak sedang disemak.",
        "en": "This report is not being checked.",
    },
}

register(MESSAGES)
