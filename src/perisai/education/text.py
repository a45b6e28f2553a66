"""The education pages' words in Bahasa Malaysia and English (registered with `web.i18n`)."""

from __future__ import annotations

from perisai.web.i18n import register

MESSAGES: dict[str, dict[str, str]] = {
    # Navigation shared by the public education pages.
    "edu.nav.check": {"ms": "Semak chat", "en": "Check a chat"},
    "edu.nav.learn": {"ms": "Belajar", "en": "Learn"},
    "edu.nav.report": {"ms": "Lapor", "en": "Report"},
    "edu.nav.label": {"ms": "Halaman awam", "en": "Public pages"},
    # The check form.
    "check.title": {"ms": "Semak chat", "en": "Check a chat"},
    "check.intro": {
        "ms": "Risau tentang chat dengan seseorang dalam talian? Tampal mesej atau pilih fail "
        "eksport chat. Kami terangkan tanda amaran grooming yang kami jumpa, apa maksudnya dan "
        "apa yang patut dibuat sekarang.",
        "en": "Worried about a chat with someone online? Paste the messages or choose a chat "
        "export. We explain the grooming warning signs we find, what they mean and what to do "
        "now.",
    },
    "check.private": {
        "ms": "Tiada apa-apa disimpan. Chat anda diperiksa dalam memori dan dilupakan sebaik "
        "sahaja halaman jawapan dihantar: tiada dalam pangkalan data, tiada dalam log, tiada "
        "fail. Tiada sesiapa di pasukan petugas dapat melihatnya.",
        "en": "Nothing is stored. Your chat is checked in memory and forgotten as soon as the "
        "answer page is sent: not in a database, not in a log, not in a file. Nobody at the "
        "task force can see it.",
    },
    "check.who": {"ms": "Siapa yang menyemak?", "en": "Who is checking?"},
    "check.who.self": {
        "ms": "Saya menyemak chat saya sendiri",
        "en": "I am checking my own chat",
    },
    "check.who.parent": {
        "ms": "Saya ibu bapa atau penjaga yang menyemak chat anak",
        "en": "I am a parent or carer checking my child's chat",
    },
    "check.text": {"ms": "Tampal mesej di sini", "en": "Paste the messages here"},
    "check.text.hint": {
        "ms": "Contohnya mesej yang disalin daripada WhatsApp, atau baris seperti "
        "\u201cNama: mesej\u201d.",
        "en": "For example messages copied out of WhatsApp, or lines like "
        "\u201cName: message\u201d.",
    },
    "check.file": {"ms": "Atau pilih fail eksport chat", "en": "Or choose a chat export file"},
    "check.file.hint": {
        "ms": "WhatsApp \u201cEksport chat\u201d tanpa media (.txt atau .zip), Telegram Desktop "
        "(result.json), Instagram atau Messenger (message_1.json daripada \u201cMuat turun "
        "maklumat anda\u201d), Discord (JSON DiscordChatExporter). Paling besar {mb} MB.",
        "en": "WhatsApp \u201cExport chat\u201d without media (.txt or .zip), Telegram Desktop "
        "(result.json), Instagram or Messenger (message_1.json from \u201cDownload your "
        "information\u201d), Discord (DiscordChatExporter JSON). At most {mb} MB.",
    },
    "check.submit": {"ms": "Semak chat", "en": "Check the chat"},
    "check.howto": {"ms": "Cara mengeksport chat", "en": "How to export a chat"},
    "check.howto.whatsapp": {
        "ms": "WhatsApp: buka chat → menu ⋮ (atau nama kenalan di iPhone) → Lagi → Eksport chat "
        "→ Tanpa media.",
        "en": "WhatsApp: open the chat → ⋮ menu (or the contact's name on iPhone) → More → "
        "Export chat → Without media.",
    },
    "check.howto.telegram": {
        "ms": "Telegram Desktop: buka chat → ⋮ → Eksport sejarah chat → format JSON.",
        "en": "Telegram Desktop: open the chat → ⋮ → Export chat history → JSON format.",
    },
    "check.howto.meta": {
        "ms": "Instagram / Facebook: Pusat Akaun → Maklumat anda → Muat turun maklumat anda → "
        "Mesej, format JSON.",
        "en": "Instagram / Facebook: Accounts Centre → Your information → Download your "
        "information → Messages, JSON format.",
    },
    # Field errors (shown on the form page, next to the field).
    "check.err.need_chat": {
        "ms": "Tampal mesej atau pilih fail chat.",
        "en": "Paste some messages or choose a chat file.",
    },
    "check.err.both": {
        "ms": "Pilih sama ada fail atau teks yang ditampal, bukan kedua-duanya.",
        "en": "Choose either a file or pasted text, not both.",
    },
    "check.err.too_large": {
        "ms": "Chat ini terlalu besar (paling besar {mb} MB). Eksport tanpa media, atau tampal "
        "mesej yang merisaukan sahaja.",
        "en": "This chat is too large (at most {mb} MB). Export it without media, or paste "
        "just the worrying messages.",
    },
    "check.err.unreadable": {
        "ms": "Kami tidak dapat membaca fail ini sebagai chat. Gunakan salah satu jenis fail "
        "di bawah, atau tampal mesej sebagai teks.",
        "en": "We could not read this file as a chat. Use one of the file types below, or "
        "paste the messages as text.",
    },
    "check.err.empty": {
        "ms": "Kami tidak menemui sebarang mesej dalam chat ini.",
        "en": "We found no messages in this chat.",
    },
    "check.err.bad_form": {
        "ms": "Borang tidak lengkap. Sila cuba lagi.",
        "en": "The form arrived incomplete. Please try again.",
    },
    "check.err.slow_down": {
        "ms": "Terlalu banyak semakan dari sambungan ini. Cuba lagi sebentar lagi.",
        "en": "Too many checks from this connection. Try again in a little while.",
    },
    "check.err.failed": {
        "ms": "Maaf, semakan gagal. Tiada apa-apa disimpan. Cuba lagi.",
        "en": "Sorry, the check failed. Nothing was stored. Please try again.",
    },
    "check.err.heading": {"ms": "Ada masalah", "en": "There is a problem"},
    # The result.
    "check.result.title": {"ms": "Keputusan semakan", "en": "What we found"},
    "check.result.read": {
        "ms": "Kami membaca {total} mesej ({format}).",
        "en": "We read {total} messages ({format}).",
    },
    "check.result.latest": {
        "ms": "Chat ini panjang: kami menyemak {scored} mesej terkini.",
        "en": "This chat is long: we checked the latest {scored} messages.",
    },
    "check.level.danger": {
        "ms": "Chat ini menunjukkan tanda amaran grooming.",
        "en": "This chat shows warning signs of grooming.",
    },
    "check.level.watch": {
        "ms": "Ada beberapa perkara dalam chat ini yang perlu diberi perhatian.",
        "en": "Some things in this chat need attention.",
    },
    "check.level.none": {
        "ms": "Kami tidak menemui tanda amaran dalam chat ini.",
        "en": "We found no warning signs in this chat.",
    },
    "check.level.none.self": {
        "ms": "Tetapi jika chat ini membuat kamu rasa tidak selesa, takut atau keliru, percayalah "
        "perasaan itu dan beritahu orang dewasa yang kamu percayai.",
        "en": "But if this chat makes you feel uncomfortable, scared or confused, trust that "
        "feeling and tell an adult you trust.",
    },
    "check.level.none.parent": {
        "ms": "Penyemak ini boleh terlepas pandang. Jika ada yang merisaukan anda, berbual dengan "
        "anak anda dan dapatkan nasihat.",
        "en": "The checker can miss things. If something worries you, talk with your child and "
        "get advice.",
    },
    "check.caution": {
        "ms": "Penyemak ini membantu, tetapi ia boleh silap. Ia tidak menggantikan pertimbangan "
        "anda atau nasihat orang yang berpengalaman.",
        "en": "The checker helps, but it can be wrong. It does not replace your own judgement or "
        "advice from someone experienced.",
    },
    "check.suspect": {
        "ms": "Mesej yang merisaukan datang daripada: {name}",
        "en": "The worrying messages come from: {name}",
    },
    "check.stages": {"ms": "Peringkat grooming", "en": "Stages of grooming"},
    "check.stages.intro": {
        "ms": "Grooming biasanya berlaku secara berperingkat. Peringkat yang ditanda muncul "
        "dalam chat ini.",
        "en": "Grooming usually happens in stages. The stages marked appeared in this chat.",
    },
    "check.stage.seen": {"ms": "dalam chat ini", "en": "in this chat"},
    "check.stage.reached": {"ms": "peringkat terjauh", "en": "furthest stage reached"},
    "check.messages": {
        "ms": "Mesej yang menunjukkan tanda amaran",
        "en": "Messages that show warning signs",
    },
    "check.message.from": {"ms": "Daripada {name}", "en": "From {name}"},
    "check.message.number": {"ms": "Mesej {n}", "en": "Message {n}"},
    "check.more": {
        "ms": "Dan {n} mesej lagi dengan tanda amaran.",
        "en": "And {n} more messages with warning signs.",
    },
    "check.learned.unlisted": {
        "ms": "tidak dalam perkataan biasa, tetapi bunyinya seperti tanda amaran",
        "en": "not in the usual words, but it reads like a warning sign",
    },
    "check.learned.also": {
        "ms": "Penyemak kami juga membaca seluruh mesej ini sebagai tanda amaran.",
        "en": "Our checker also reads the whole message as a warning sign.",
    },
    "check.means": {"ms": "Apa maksudnya", "en": "What the signs mean"},
    "check.times_note": {
        "ms": "Masa dengan MYT ialah waktu Malaysia (UTC+8); masa lain seperti yang ditulis "
        "telefon.",
        "en": "Times marked MYT are Malaysia time (UTC+8); others are as the phone wrote them.",
    },
    # What to do now.
    "check.todo": {"ms": "Apa yang perlu dibuat sekarang", "en": "What to do now"},
    "check.todo.self.stop": {
        "ms": "Berhenti membalas. Kamu tidak perlu menjelaskan apa-apa atau mengucapkan selamat "
        "tinggal.",
        "en": "Stop replying. You don't have to explain anything or say goodbye.",
    },
    "check.todo.self.keep": {
        "ms": "Simpan bukti: jangan padam chat. Ambil tangkapan skrin atau eksport chat.",
        "en": "Keep the evidence: don't delete the chat. Take screenshots or export the chat.",
    },
    "check.todo.self.block": {
        "ms": "Sekat dan laporkan akaun itu dalam aplikasi, selepas menyimpan bukti.",
        "en": "Block and report the account in the app, after keeping the evidence.",
    },
    "check.todo.self.tell": {
        "ms": "Beritahu orang dewasa yang kamu percayai: mak, ayah, penjaga, guru atau kaunselor "
        "sekolah. Kamu tidak bersalah dan tidak akan dimarahi kerana bercerita.",
        "en": "Tell an adult you trust: a parent, carer, teacher or school counsellor. You are "
        "not to blame and you are not in trouble for telling.",
    },
    "check.todo.parent.calm": {
        "ms": "Bertenang. Terima kasih kepada anak anda kerana bercerita atau menunjukkan chat "
        "ini; jangan salahkan dia dan jangan rampas telefonnya sebagai hukuman.",
        "en": "Stay calm. Thank your child for telling you or showing you the chat; don't blame "
        "them, and don't take the phone away as a punishment.",
    },
    "check.todo.parent.confront": {
        "ms": "Jangan berdepan dengan orang itu atau membalas dengan menyamar sebagai anak anda.",
        "en": "Don't confront the person or reply pretending to be your child.",
    },
    "check.todo.parent.keep": {
        "ms": "Simpan bukti: jangan padam chat atau akaun. Ambil tangkapan skrin yang "
        "menunjukkan nama akaun, tarikh dan masa, atau eksport chat.",
        "en": "Keep the evidence: don't delete the chat or the account. Take screenshots that "
        "show the account name, date and time, or export the chat.",
    },
    "check.todo.parent.block": {
        "ms": "Selepas menyimpan bukti, sekat dan laporkan akaun itu dalam aplikasi.",
        "en": "After keeping the evidence, block and report the account in the app.",
    },
    "check.todo.threat": {
        "ms": "Jika ada ugutan: jangan bayar dan jangan hantar apa-apa lagi. Ini jenayah dan "
        "bukan salah mangsa.",
        "en": "If there are threats: don't pay and don't send anything more. This is a crime and "
        "it is not the victim's fault.",
    },
    "check.todo.meeting": {
        "ms": "Jika dia mengajak berjumpa: jangan pergi. Jika pertemuan telah dirancang, hubungi "
        "polis.",
        "en": "If they asked to meet: don't go. If a meeting has been arranged, call the police.",
    },
    "check.report": {
        "ms": "Laporkan kepada pasukan petugas",
        "en": "Report it to the task force",
    },
    "check.report.intro": {
        "ms": "Laporan tanpa nama. Chat ini hanya dilampirkan jika anda memilihnya: butang di "
        "bawah membuka borang laporan dengan chat ini yang boleh anda baca, ubah atau buang "
        "sebelum menghantar.",
        "en": "Reports are anonymous. This chat is attached only if you choose: the button "
        "below opens the report form with this chat in it, which you can read, change or "
        "remove before sending.",
    },
    "check.report.excerpt": {
        "ms": "Chat ini panjang, jadi hanya mesej di sekitar tanda amaran akan dilampirkan.",
        "en": "This chat is long, so only the messages around the warning signs will be attached.",
    },
    "check.report.with_chat": {
        "ms": "Buka borang laporan dengan chat ini",
        "en": "Open the report form with this chat",
    },
    "check.report.without": {
        "ms": "Lapor tanpa melampirkan chat",
        "en": "Report without attaching the chat",
    },
    "check.help": {"ms": "Dapatkan bantuan", "en": "Get help"},
    "check.help.999": {
        "ms": "Dalam bahaya sekarang: hubungi 999 (polis dan kecemasan).",
        "en": "In danger now: call 999 (police and emergencies).",
    },
    "check.help.kasih": {
        "ms": "Talian Kasih 15999 (24 jam) atau WhatsApp 019-261 5999: sokongan dan nasihat "
        "untuk kanak-kanak dan keluarga.",
        "en": "Talian Kasih 15999 (24 hours) or WhatsApp 019-261 5999: support and advice for "
        "children and families.",
    },
    "check.help.cyber999": {
        "ms": "Cyber999 (CyberSecurity Malaysia) 1-300-88-2999: insiden dalam talian.",
        "en": "Cyber999 (CyberSecurity Malaysia) 1-300-88-2999: online incidents.",
    },
    "chat.format.whatsapp_android": {"ms": "WhatsApp, Android", "en": "WhatsApp, Android"},
    "chat.format.whatsapp_ios": {"ms": "WhatsApp, iPhone", "en": "WhatsApp, iPhone"},
    "chat.format.whatsapp_copied": {
        "ms": "mesej yang disalin daripada WhatsApp",
        "en": "messages copied out of WhatsApp",
    },
    "chat.format.telegram": {"ms": "Telegram", "en": "Telegram"},
    "chat.format.instagram": {"ms": "Instagram", "en": "Instagram"},
    "chat.format.messenger": {"ms": "Facebook Messenger", "en": "Facebook Messenger"},
    "chat.format.discord": {"ms": "Discord", "en": "Discord"},
    "chat.format.text": {"ms": "teks yang ditampal", "en": "pasted text"},
    "edu.not_found": {"ms": "Halaman tidak dijumpai", "en": "Page not found"},
    "learn.title": {
        "ms": "Belajar tentang keselamatan dalam talian",
        "en": "Learn about staying safe online",
    },
    "learn.intro": {
        "ms": "Bagaimana grooming dan sekstorsi berlaku, apa yang perlu dibuat dan di mana "
        "mendapatkan bantuan: untuk kanak-kanak, remaja dan ibu bapa. Setiap halaman ada kuiz "
        "pendek dan panduan satu muka surat untuk dicetak.",
        "en": "How grooming and sextortion happen, what to do and where to get help: for "
        "children, teens and parents. Each page has a short quiz and a one-page guide to print.",
    },
    "learn.read": {"ms": "Baca", "en": "Read"},
    "learn.quiz": {"ms": "Kuiz senario", "en": "Scenario quiz"},
    "learn.guide": {"ms": "Panduan untuk dicetak (PDF)", "en": "Printable guide (PDF)"},
    "quiz.intro": {
        "ms": "Baca setiap situasi dan pilih jawapan terbaik. Jawapan anda tidak disimpan.",
        "en": "Read each situation and choose the best answer. Your answers are not stored.",
    },
    "quiz.choose_one": {"ms": "Pilih satu jawapan.", "en": "Choose one answer."},
    "quiz.missing": {"ms": "Soalan {n} belum dijawab", "en": "Question {n} has no answer"},
    "quiz.submit": {"ms": "Semak jawapan", "en": "Check my answers"},
    "quiz.result": {"ms": "Jawapan anda", "en": "Your answers"},
    "quiz.private": {
        "ms": "Jawapan anda tidak disimpan.",
        "en": "Your answers are not stored.",
    },
    "quiz.score": {"ms": "{score} daripada {total} betul", "en": "{score} of {total} right"},
    "quiz.right": {"ms": "Betul:", "en": "Right:"},
    "quiz.wrong": {"ms": "Jawapan anda:", "en": "Your answer:"},
    "quiz.better": {"ms": "Jawapan terbaik:", "en": "The best answer:"},
    "quiz.again": {"ms": "Cuba lagi", "en": "Try again"},
    "home.edu.classes": {"ms": "Kuiz kelas", "en": "Class quizzes"},
    "home.edu.districts": {
        "ms": "Keputusan kuiz mengikut daerah",
        "en": "Quiz results by district",
    },
    "class.teacher.title": {"ms": "Kuiz kelas", "en": "Class quizzes"},
    "class.teacher.intro": {
        "ms": "Mulakan sesi dan berikan kodnya kepada murid. Mereka menjawab kuiz senario "
        "tanpa nama, tanpa akaun. Anda melihat keputusan kelas dan tanda amaran yang terlepas "
        "apabila sekurang-kurangnya {n} murid telah menjawab.",
        "en": "Start a session and give its code to your pupils. They answer the scenario quiz "
        "anonymously, with no accounts. You see the class's results and the warning signs it "
        "missed once at least {n} pupils have answered.",
    },
    "class.audience": {"ms": "Kuiz", "en": "Quiz"},
    "class.audience.children": {"ms": "Kanak-kanak (9-12 tahun)", "en": "Children (9-12)"},
    "class.audience.teens": {"ms": "Remaja (13-17 tahun)", "en": "Teens (13-17)"},
    "class.district": {"ms": "Daerah sekolah", "en": "School district"},
    "class.district.choose": {"ms": "Pilih daerah", "en": "Choose the district"},
    "class.state": {"ms": "Negeri", "en": "State"},
    "class.label": {"ms": "Nama kelas (pilihan)", "en": "Class name (optional)"},
    "class.label.hint": {
        "ms": "Contohnya \u201c5 Bestari\u201d. Hanya anda yang melihatnya. Jangan tulis nama "
        "murid.",
        "en": "For example \u201c5 Bestari\u201d. Only you see it. Do not write pupils' names.",
    },
    "class.minutes": {"ms": "Dibuka selama", "en": "Open for"},
    "class.minutes.n": {"ms": "{n} minit", "en": "{n} minutes"},
    "class.max": {"ms": "Bilangan jawapan paling banyak", "en": "Most answers accepted"},
    "class.start": {"ms": "Mulakan sesi", "en": "Start the session"},
    "class.mine": {"ms": "Sesi saya", "en": "My sessions"},
    "class.code": {"ms": "Kod kelas", "en": "Class code"},
    "class.responses": {"ms": "Jawapan", "en": "Answers"},
    "class.until": {"ms": "Dibuka hingga", "en": "Open until"},
    "class.closed": {"ms": "ditutup", "en": "closed"},
    "class.none_yet": {"ms": "Belum ada sesi.", "en": "No sessions yet."},
    "class.results": {"ms": "Keputusan kelas", "en": "Class results"},
    "class.tell_pupils": {
        "ms": "Berikan kod ini kepada murid:",
        "en": "Give your pupils this code:",
    },
    "class.pupil_url": {
        "ms": "Mereka membuka {ms} (Bahasa Malaysia) atau {en} (English) dan memasukkan kod.",
        "en": "They open {ms} (Bahasa Malaysia) or {en} (English) and type the code.",
    },
    "class.open_until": {"ms": "Dibuka hingga {when}.", "en": "Open until {when}."},
    "class.close": {"ms": "Tutup sesi sekarang", "en": "Close the session now"},
    "class.closed_note": {
        "ms": "Sesi {code} telah ditutup; tiada jawapan baharu diterima.",
        "en": "Session {code} is closed; no new answers are accepted.",
    },
    "class.responses_n": {"ms": "{n} jawapan diterima", "en": "{n} answers received"},
    "class.refresh": {"ms": "Muat semula", "en": "Refresh"},
    "class.suppressed.title": {"ms": "Keputusan belum dipaparkan", "en": "Results not shown yet"},
    "class.suppressed": {
        "ms": "Keputusan dipaparkan apabila sekurang-kurangnya {n} murid telah menjawab, supaya "
        "tiada jawapan murid dapat dikenal pasti.",
        "en": "Results appear once at least {n} pupils have answered, so that no pupil's "
        "answers can be singled out.",
    },
    "class.missed": {
        "ms": "Tanda amaran yang terlepas pandang oleh kelas",
        "en": "Warning signs the class missed",
    },
    "class.none_missed": {
        "ms": "Kelas mengenal pasti setiap tanda amaran (70% atau lebih betul).",
        "en": "The class spotted every warning sign (70% or more right).",
    },
    "class.discuss": {"ms": "Bincang dengan kelas:", "en": "Discuss with the class:"},
    "class.by_question": {"ms": "Setiap soalan", "en": "Each question"},
    "class.average": {"ms": "Purata betul: {pct}%", "en": "Right on average: {pct}%"},
    "class.question": {"ms": "Situasi", "en": "Situation"},
    "class.sign": {"ms": "Tanda amaran", "en": "Warning sign"},
    "class.right": {"ms": "Betul", "en": "Right"},
    "class.districts.title": {
        "ms": "Keputusan kuiz kelas mengikut daerah",
        "en": "Class quiz results by district",
    },
    "class.districts.intro": {
        "ms": "Angka agregat sahaja: tiada murid, kelas atau sekolah ditunjukkan. Daerah dengan "
        "kurang daripada {n} jawapan disembunyikan.",
        "en": "Aggregates only: no pupil, class or school is shown. Districts with fewer than "
        "{n} answers are hidden.",
    },
    "class.period": {"ms": "Tempoh", "en": "Period"},
    "class.period.n": {"ms": "{n} hari lalu", "en": "Last {n} days"},
    "class.show": {"ms": "Tunjuk", "en": "Show"},
    "class.since": {"ms": "Sesi sejak {when}.", "en": "Sessions since {when}."},
    "class.districts.signs": {
        "ms": "Tanda amaran, yang paling lemah dahulu",
        "en": "Warning signs, weakest first",
    },
    "class.districts.by": {"ms": "Mengikut daerah", "en": "By district"},
    "class.districts.none": {"ms": "Belum ada keputusan.", "en": "No results yet."},
    "class.sessions": {"ms": "Sesi", "en": "Sessions"},
    "class.most_missed": {"ms": "Paling terlepas", "en": "Most missed"},
    "class.fewer_than": {
        "ms": "Kurang daripada {n} jawapan: disembunyikan",
        "en": "Fewer than {n} answers: hidden",
    },
    "class.pupil.title": {"ms": "Kuiz kelas", "en": "Class quiz"},
    "class.pupil.intro": {
        "ms": "Masukkan kod yang diberi oleh guru anda.",
        "en": "Type the code your teacher gave you.",
    },
    "class.pupil.anonymous": {
        "ms": "Tanpa nama: jangan tulis nama anda di mana-mana. Guru hanya melihat keputusan "
        "seluruh kelas.",
        "en": "Anonymous: don't write your name anywhere. Your teacher only sees the whole "
        "class's results.",
    },
    "class.pupil.go": {"ms": "Mula", "en": "Start"},
    "class.quiz.intro": {
        "ms": "Pilih jawapan terbaik untuk setiap situasi. Jawapan anda dihantar tanpa nama.",
        "en": "Choose the best answer for each situation. Your answers are sent anonymously.",
    },
    "class.done.title": {"ms": "Terima kasih!", "en": "Thank you!"},
    "class.done.sent": {
        "ms": "Jawapan anda telah dihantar tanpa nama.",
        "en": "Your answers were sent anonymously.",
    },
    "class.done.already": {
        "ms": "Anda sudah menjawab kuiz ini.",
        "en": "You have already answered this quiz.",
    },
    "class.err.code": {
        "ms": "Kod ini tidak dikenali, atau sesi telah tamat. Semak kod dengan guru anda.",
        "en": "This code is not known, or the session has ended. Check the code with your teacher.",
    },
    "class.err.closed": {
        "ms": "Sesi ini telah tamat. Jawapan tidak dihantar.",
        "en": "This session has ended. The answers were not sent.",
    },
    "class.err.full": {
        "ms": "Sesi ini sudah penuh. Beritahu guru anda.",
        "en": "This session is full. Tell your teacher.",
    },
    "class.err.expired": {
        "ms": "Borang telah tamat tempoh. Masukkan kod sekali lagi.",
        "en": "The form expired. Type the code again.",
    },
    "class.err.audience": {"ms": "Pilih kuiz.", "en": "Choose a quiz."},
    "class.err.district": {"ms": "Pilih daerah sekolah.", "en": "Choose the school district."},
    "class.err.label": {
        "ms": "Nama kelas terlalu panjang (paling banyak 60 aksara).",
        "en": "The class name is too long (at most 60 characters).",
    },
    "class.err.minutes": {"ms": "Pilih tempoh.", "en": "Choose how long it stays open."},
    "class.err.max_responses": {
        "ms": "Bilangan jawapan mesti antara 1 dan 200.",
        "en": "The number of answers must be between 1 and 200.",
    },
    "check.again": {"ms": "Semak chat lain", "en": "Check another chat"},
    "check.learn": {
        "ms": "Ketahui lebih lanjut tentang grooming dan sekstorsi",
        "en": "Learn more about grooming and sextortion",
    },
}

register(MESSAGES)
