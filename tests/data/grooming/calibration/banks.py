"""Phrase banks of the calibration set (issue 14), written for this file by the grooming session
of 2026-12-05 without reading the held-out test set or its sources (see README.md).

One exchange per line; turns separated by " | "; each turn starts with its speaker:
`S>` the suspect (grooming) or first speaker (benign), `C>` the child or second speaker,
`T>` a third group member. `{a|b}` picks one alternative; `{name}`, `{place}`, `{app}`, `{rm}`,
`{game}` are filled in by make_calibration.py. Nothing explicit: requests are only for "a pic",
"a clip", a call or a meeting.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------
# Grooming stages, by language. Paraphrases on purpose: indirect, slangy, misspelt.
# ---------------------------------------------------------------------------------------------
GROOMING: dict[str, dict[str, str]] = {
    "en": {
        "probe": """
S> which form are u in this year | C> form 2
S> u still in primary or already secondary? | C> sec lah, form 1
S> what year were u born again | C> 2012
S> so ur turning what, 13? 14? | C> 13 in march
S> which school u go, the one near {place}? | C> ya that one
S> u stay around {place} right | C> near there la
S> what time does ur school bus drop u | C> like 2.30
S> which block is ur flat | C> block C why
S> u walk back from school alone or someone fetch | C> walk la
""",
        "flatter": """
S> honestly ur way more mature than the girls my age | C> haha really
S> u get me better than anyone i know tbh | C> aww
S> ur smile in that profile pic kills me | C> stop la
S> ppl ur age are so boring but ur different | C> hehe
S> i feel like we clicked from day one | C> same
S> nobody listens to me the way u do | C> 🥺
S> u deserve someone who actually appreciates u | C> idk
S> u could easily pass for 18 u know | C> lol no
""",
        "gift": """
S> want me to topup ur {game} account? my treat | C> serious?
S> i can bank in {rm} for ur new earphones | C> no need la
S> let me settle ur phone bill this month | C> really?
S> i bought u the skin u wanted, check ur inventory | C> omg thank u
S> i'll grab u that hoodie, just send ur size | C> M
S> i've got a spare iphone lying around, u want it | C> wah really
""",
        "risk": """
S> ur folks out tonight or what | C> ya they went dinner
S> anyone else around at ur place rn | C> just me
S> ur mum the type to go thru ur phone? | C> sometimes
S> does anyone read ur chats | C> no why
S> what time ur dad usually reach home | C> like 9
S> u got ur own room or share w ur sis | C> own room
S> when everyone sleeps u still online right | C> ya usually
S> so the house is empty after school? | C> till 7
""",
        "secret": """
S> this stays between the two of us ok | C> ok
S> ur parents wouldnt understand what we have | C> i guess
S> dont go mentioning me to ur friends | C> ok why
S> keep our chats to urself ya | C> ok
S> no one needs to know we talk | C> ok
S> best not to say my name at home | C> ok
S> if anyone asks, u dont know me | C> haha ok
""",
        "deceive": """
S> just say ur at ur friend's place doing project | C> ok
S> tell ur mum it's extra class | C> hmm ok
S> if they ask, say ur at the library | C> ok
S> say ur sleeping over at aisyah's | C> ok can
S> tell them the coach kept u back for practice | C> ok
""",
        "isolate": """
S> ur friends dont really care about u like i do | C> maybe
S> ur parents never listen to u anyway | C> ya true
S> those girls at school are fake, u only need me | C> hmm
S> ur family will just make it a big deal | C> ya
S> u dont need to hang out with them, u got me | C> ok
""",
        "move": """
S> add me on {app}, this app not safe | C> ok whats ur id
S> lets continue on {app}, the msgs vanish there | C> ok
S> clear this chat after u read ok | C> ok
S> wipe our msgs before ur mum sees | C> ok done
S> i'll pass u a new sim, use that one for me | C> ok
S> text me on the other number from now | C> ok
S> turn on disappearing msgs | C> how
""",
        "agegap": """
S> age is just a number for people like us | C> i guess
S> lots of couples got 10 yrs gap what | C> ya kot
S> im not that old la, dont think of it | C> ok
S> mature people like u date older guys | C> haha
""",
        "photo": """
S> send me a fresh selfie, the one now | C> why
S> snap one of u right now, no filter | C> later
S> show me what u wearing today, pic pls | C> hmm
S> can i get a full length one of u | C> why
S> a short clip of u saying hi, just for me | C> shy la
S> send a pic of u in ur pe attire | C> no la
S> one more pic, this time from the mirror | C> hmm
""",
        "cam": """
S> on ur cam for a sec, wanna see u | C> now?
S> video me tonight when everyone sleeps | C> maybe
S> facetime me, just us | C> later
S> hop on call, cam on ok | C> hmm ok
""",
        "meet": """
S> i can fetch u after school tmr, dont tell anyone | C> hmm
S> come down to the carpark, i'm waiting in the grey myvi | C> now?
S> meet me at {place} saturday, just u ok | C> ok
S> i'll drop by ur area later, come out for a bit | C> ok
S> u can stay over at my place, i got ps5 | C> really
S> lets hang out, come alone ya | C> ok
""",
        "threat": """
S> if u block me i'll show everyone ur pics | C> please dont
S> u want ur whole class to see our chats? | C> no pls
S> do what i say or i send this to ur dad | C> pls dont
S> i screenshot everything, dont test me | C> ok ok
S> after all i did for u, u owe me this | C> ...
""",
        "end": """
S> good, ur the best | C> ok
S> see? that wasnt so hard | C> ok
S> talk later, remember what i said | C> ok
""",
    },
    "ms": {
        "probe": """
S> adik darjah berapa sekarang | C> darjah 6
S> umur berapa ye tahun ni | C> 12
S> sekolah kat mana, dekat {place} ke | C> ha ah
S> rumah adik area mana | C> {place}
S> balik sekolah naik bas ke jalan kaki | C> jalan kaki
S> tingkatan berapa dah | C> tingkatan 1
""",
        "flatter": """
S> adik ni matang sangat, tak macam budak lain | C> hehe
S> abang rasa selesa sangat borak dengan adik | C> sama
S> comel betul adik dalam gambar profil tu | C> malu la
S> adik je yang faham abang | C> ye ke
S> orang macam adik ni susah nak jumpa | C> hehe
""",
        "gift": """
S> abang topup {game} adik nak? | C> betul ke
S> nanti abang masukkan {rm} dalam akaun adik | C> tak payah la
S> abang belikan kasut yang adik nak tu | C> serius?
S> abang ada fon lama, adik ambil la | C> wah
""",
        "risk": """
S> mak ayah ada kat rumah tak malam ni | C> takde, pergi kenduri
S> adik sorang je ke sekarang | C> ha ah
S> mak adik selalu tengok fon adik tak | C> kadang2
S> pukul berapa ayah balik kerja | C> pukul 8
S> adik tidur bilik sendiri ke | C> ye
S> lepas semua tidur adik on lagi kan | C> selalu
""",
        "secret": """
S> yang ni rahsia kita berdua je tau | C> ok
S> jangan cerita dekat kawan2 pasal abang | C> ok
S> mak ayah takkan faham hubungan kita | C> kot
S> tak perlu sebut nama abang kat rumah | C> ok
S> kalau orang tanya, cakap tak kenal | C> ok
""",
        "deceive": """
S> cakap dekat mak pergi rumah kawan buat kerja sekolah | C> ok
S> bagitahu ayah ada kelas tambahan | C> ok
S> kalau mak tanya, cakap pergi perpustakaan | C> ok
S> cakap je tidur rumah kawan | C> ok
""",
        "isolate": """
S> kawan2 adik tak ambil kisah pun pasal adik | C> mungkin
S> family adik memang tak dengar cakap adik kan | C> betul
S> adik tak perlu orang lain, abang ada | C> ok
S> budak2 sekolah tu semua hipokrit | C> hmm
""",
        "move": """
S> jom sembang kat {app}, sini tak selamat | C> ok
S> lepas baca padam chat ni | C> ok
S> abang bagi sim baru, guna yang tu je | C> ok
S> mesej abang guna nombor lain lepas ni | C> ok
S> buang semua mesej kita sebelum mak nampak | C> dah
""",
        "agegap": """
S> umur tu cuma nombor je dik | C> ye kot
S> ramai je pasangan beza umur jauh | C> hmm
S> abang tak tua mana pun | C> haha
""",
        "photo": """
S> hantar swafoto sekarang, nak tengok | C> kenapa
S> ambik gambar adik sekarang, takyah filter | C> malu
S> nak tengok adik pakai baju apa hari ni, snap sikit | C> nanti
S> rakam video pendek adik cakap hai kat abang | C> malu la
S> satu gambar full badan boleh | C> kenapa
""",
        "cam": """
S> buka kamera jap, abang nak tengok adik | C> sekarang?
S> video call abang malam ni lepas semua tidur | C> tengok la
S> on cam kejap je | C> hmm
""",
        "meet": """
S> esok abang ambil adik lepas sekolah, jangan bagitahu sesiapa | C> hmm
S> turun bawah jap, abang tunggu dalam kereta | C> sekarang?
S> jumpa abang kat {place} sabtu ni, datang sorang | C> ok
S> tidur rumah abang la, ada ps5 | C> betul?
""",
        "threat": """
S> kalau adik block abang, abang sebar gambar adik | C> jangan
S> nak satu kelas tengok chat kita? | C> tak nak
S> ikut cakap abang kalau tak abang hantar kat ayah adik | C> tolong jangan
S> abang dah screenshot semua, jangan main2 | C> ok ok
S> abang dah banyak tolong, adik hutang abang | C> ...
""",
        "end": """
S> pandai adik | C> ok
S> nanti sembang lagi, ingat pesan abang | C> ok
""",
    },
    "mx": {
        "probe": """
S> u form brp now | C> form 1
S> umur brp eh u | C> 13
S> sekolah mana u, near {place}? | C> ya
S> rumah u kat mana, {place} side? | C> ya dekat
S> balik sekolah jalan sorang ke | C> ya
""",
        "flatter": """
S> u ni mature gila compared to budak2 lain | C> haha
S> i rasa u je yg faham i | C> aww
S> comel la u dlm dp tu | C> malu
S> u special tau, not like others | C> hehe
""",
        "gift": """
S> nak i topup {game} u? free je | C> serious?
S> i bank in {rm} for u beli headphone | C> takpe la
S> i ada spare phone, u nak? | C> wah
S> i belanja u kasut tu, send size | C> 5
""",
        "risk": """
S> parents u ada kat rumah x tonight | C> takde
S> u sorang ke now | C> ya
S> mak u suka check phone u ke | C> kadang
S> bila bapak u balik | C> malam
S> u ada bilik sendiri ke | C> ada
S> lepas semua tido u still online kan | C> ya
""",
        "secret": """
S> ni antara kita je ok | C> ok
S> jgn cerita kat kawan2 pasal i | C> ok
S> parents u takkan faham la kita | C> kot
S> tak payah sebut nama i kat rumah | C> ok
""",
        "deceive": """
S> ckp je kat mak u pegi rumah kawan buat project | C> ok
S> bagitau parents ada extra class | C> ok
S> if mak tanya, say library | C> ok
""",
        "isolate": """
S> kawan2 u tak kisah pun pasal u | C> kot
S> family u mmg tak dengar u kan | C> ya
S> u tak perlu diorang, i ada | C> ok
""",
        "move": """
S> jom chat kat {app}, sini x safe | C> ok
S> lepas baca delete chat ni ok | C> ok
S> i bagi u sim baru, guna tu je for me | C> ok
S> msg i kat nombor lain lepas ni | C> ok
""",
        "agegap": """
S> age just number la | C> ya kot
S> ramai couple beza umur jauh what | C> hmm
""",
        "photo": """
S> send selfie now, nak tengok u | C> why
S> snap satu pic u skrg, no filter | C> malu
S> nak tgk u pakai apa today, pic sikit | C> later
S> record short clip u say hi to me | C> malu la
""",
        "cam": """
S> on cam jap, nak tengok u | C> now?
S> video call i malam ni lepas semua tido | C> tgk la
""",
        "meet": """
S> esok i fetch u lepas sekolah, jgn bgtau sesiapa | C> hmm
S> turun bawah jap, i tunggu dlm kereta | C> now?
S> jumpa i kat {place} sabtu, come alone | C> ok
S> tido rumah i la, ada ps5 | C> really
""",
        "threat": """
S> kalau u block i, i sebar pic u | C> jgn
S> nak satu kelas tgk chat kita ke | C> no
S> ikut ckp i or i send kat bapak u | C> pls jgn
S> i dah screenshot semua, jgn main2 | C> ok ok
""",
        "end": """
S> good girl | C> ok
S> ok nanti sembang lagi | C> ok
""",
    },
}

# ---------------------------------------------------------------------------------------------
# Pretext openings and cover talk (shared by grooming and benign chats of a kind).
# ---------------------------------------------------------------------------------------------
PRETEXT: dict[str, dict[str, str]] = {
    "en": {
        "tutor": """
S> hi, this is teacher {name} for the add maths tuition | C> hi teacher
S> did u finish the chapter 3 exercises | C> half only
S> remember quiz on thursday, revise indices | C> ok teacher
S> ur answer for q5 is correct, good | C> yay
""",
        "coach": """
S> training moved to 5pm tomorrow | C> ok coach
S> bring ur own water bottle ya | C> ok
S> ur footwork improved a lot today | C> thanks coach
S> tournament form need parent signature | C> ok will ask
""",
        "online_seller": """
S> hi, the keychain still available | C> yes
S> postage {rm}, arrive in 3 days | C> ok
S> i'll send tracking number tonight | C> ok thanks
S> color black or white? | C> black
""",
        "game_friend": """
S> gg that last round was insane | C> ikr
S> u main which character | C> jett
S> rank up already? | C> still gold
S> squad up tonight? | C> ok
""",
        "neighbour": """
S> ur parcel came to my house by mistake | C> oh ok
S> the lift at block b rosak again | C> aiyo
S> tell ur mum the pasar malam moved to tuesday | C> ok
""",
        "cousin": """
S> long time no see, u so tall now | C> haha
S> atok asked about u | C> oh
S> raya this year at kampung? | C> ya
""",
        "photographer": """
S> i saw ur dance video, u got potential | C> thank u
S> i do portfolio shoots for new faces | C> oh
S> our agency looking for fresh teen models | C> really?
""",
        "peer": """
S> did u do the sejarah homework | C> not yet
S> cikgu so garang today | C> ikr
S> wanna go mamak after school | C> can
""",
        "parent": """
S> reached home already? | C> ya
S> dinner there's rice in the fridge | C> ok
S> did u pray already | C> later
""",
        "couple": """
S> babe u reach office ok | C> yes dear
S> what u want for dinner | C> anything
S> miss u already | C> me too
""",
        "counsellor": """
S> hi everyone, this is the school counsellor | C> hi cikgu
S> today we talk about online safety | C> ok
S> remember, strangers online may pretend | C> ok
""",
        "group": """
S> guys project due friday | C> noted | T> ok
S> who doing the slides | C> me | T> i do report
S> meet at library after school? | C> can | T> ok
""",
    },
    "ms": {
        "tutor": """
S> assalamualaikum, cikgu {name} kelas tuisyen matematik | C> waalaikumsalam cikgu
S> dah siap latihan bab 3? | C> separuh je
S> kuiz hari khamis, ulangkaji indeks | C> baik cikgu
""",
        "coach": """
S> latihan esok pukul 5 petang | C> ok jurulatih
S> bawa botol air sendiri | C> baik
S> borang kejohanan kena tandatangan mak ayah | C> ok
""",
        "online_seller": """
S> hai, keychain tu ada lagi | C> ada
S> pos {rm}, sampai 3 hari | C> ok
S> malam ni abang bagi nombor tracking | C> terima kasih
""",
        "game_friend": """
S> gg round tadi gila | C> betul
S> main character apa | C> jett
S> malam ni main sama? | C> ok
""",
        "neighbour": """
S> parcel adik sampai rumah makcik | C> oh ok
S> lif blok b rosak lagi | C> alamak
S> bagitahu mak pasar malam tukar hari selasa | C> ok
""",
        "cousin": """
S> lama tak jumpa, dah tinggi adik sekarang | C> hehe
S> atok tanya pasal adik | C> oh
S> raya tahun ni balik kampung? | C> ye
""",
        "photographer": """
S> akak nampak video tarian adik, ada bakat | C> terima kasih
S> akak buat photoshoot untuk muka baru | C> oh
S> agensi akak cari model remaja | C> ye ke
""",
        "peer": """
S> kau dah buat kerja sekolah sejarah | C> belum
S> cikgu garang gila hari ni | C> betul
S> jom mamak lepas sekolah | C> jom
""",
        "parent": """
S> dah sampai rumah? | C> dah
S> nasi ada dalam peti | C> ok
S> dah solat? | C> kejap lagi
""",
        "couple": """
S> sayang dah sampai office | C> dah
S> nak makan apa malam ni | C> apa2 je
S> rindu la | C> sama
""",
        "counsellor": """
S> assalamualaikum semua, ini kaunselor sekolah | C> waalaikumsalam
S> hari ni kita bincang keselamatan online | C> ok
S> ingat, orang asing online boleh menyamar | C> baik
""",
        "group": """
S> geng projek hantar jumaat | C> ok | T> noted
S> siapa buat slide | C> aku | T> aku report
S> jumpa library lepas sekolah? | C> boleh | T> ok
""",
    },
    "mx": {
        "tutor": """
S> hi, teacher {name} for tuition math | C> hi cikgu
S> dah siap chapter 3 exercise? | C> half je
S> quiz khamis, revise indices ok | C> ok teacher
""",
        "coach": """
S> training esok 5pm | C> ok coach
S> bawak water bottle sendiri | C> ok
S> form tournament kena parents sign | C> ok
""",
        "online_seller": """
S> hi keychain tu still ada | C> ada
S> postage {rm}, 3 hari sampai | C> ok
S> tonight i bagi tracking no | C> ok tq
""",
        "game_friend": """
S> gg tadi gila best | C> ikr
S> u main character apa | C> jett
S> tonight squad? | C> ok
""",
        "neighbour": """
S> parcel u sampai rumah auntie | C> oh ok
S> lift block b rosak lagi | C> aiyo
""",
        "cousin": """
S> lama tak jumpa, tinggi dah u | C> haha
S> raya balik kampung tak | C> balik
""",
        "photographer": """
S> i saw ur dance video, ada potential | C> tq
S> i buat portfolio shoot untuk new face | C> oh
""",
        "peer": """
S> u dah buat homework sejarah | C> belum
S> cikgu garang gila today | C> ikr
S> jom mamak after school | C> jom
""",
        "parent": """
S> dah sampai rumah? | C> dah
S> nasi ada dlm fridge | C> ok
""",
        "couple": """
S> sayang dah sampai office? | C> dah dear
S> dinner nak makan apa | C> anything
""",
        "counsellor": """
S> hi semua, ni kaunselor sekolah | C> hi cikgu
S> harini kita cakap pasal online safety | C> ok
""",
        "group": """
S> guys projek due jumaat | C> ok | T> noted
S> siapa buat slide | C> aku | T> i buat report
""",
    },
}

# ---------------------------------------------------------------------------------------------
# Benign look-alikes: the same surface phrases with innocent meaning, per kind.
# ---------------------------------------------------------------------------------------------
BENIGN: dict[str, dict[str, str]] = {
    "en": {
        "parent": """
S> u alone at home now? i'm stuck in jam | C> ya, kakak not back yet
S> lock the door and don't open for anyone ok | C> ok mama
S> send me a pic of the gas stove knob, i think i left it on | C> it's off
S> i'll fetch u after school, wait at the guard house | C> ok
S> don't tell ur brother i bought u the ice cream haha | C> ok
S> delete that wrong msg i sent u, it was for ur aunt | C> done
S> video call atok tonight, he misses u | C> ok
S> who else is home with u? | C> just me and adik
S> send me ur report card photo | C> later
S> come down, i'm waiting at the car | C> coming
S> ur dad checks ur screen time tonight ya | C> aiyo ok
""",
        "cousin": """
S> dont tell ur mum yet, we're planning her surprise | C> ok haha
S> send me a pic of u in the baju raya, want to match colour | C> ok
S> come over to my place this weekend, we bake | C> can
S> i'll pick u up from tuition, ur mum asked me | C> ok thanks
S> add me on insta, this number changing soon | C> ok
S> ur so grown up now, tall already | C> haha
S> delete the video of me dancing, so malu | C> no way haha
""",
        "tutor": """
S> send me a photo of ur workings for q4 | C> ok
S> switch ur cam on for the online class, everyone | C> ok teacher
S> ur so smart, keep it up | C> thank u
S> don't tell the others the quiz answers ya | C> ok
S> join the class on zoom instead, google meet down | C> ok
S> parents can message me at my other number | C> ok
S> how old are u again, for the exam registration | C> 15
S> is ur mother at home, i need to talk about fees | C> she's working
""",
        "coach": """
S> send me a clip of ur serve, want to check form | C> ok coach
S> meet at the stadium 7am, parents drop off at gate | C> ok
S> ur the most talented one in the team | C> thanks coach
S> tell ur parents training ends 6 | C> ok
S> who's fetching u today | C> my dad
S> i'll drive the team van to {place}, all meet at school | C> ok
""",
        "online_seller": """
S> send me a photo of the item once it arrives ok | C> ok
S> meet at {place} lrt for COD, 6pm | C> ok
S> whatsapp me instead, shopee chat slow | C> ok
S> i give free keychain, gift for u | C> thanks
S> pls delete my number after the deal, privacy | C> ok
""",
        "couple": """
S> send me a pic babe, miss ur face | C> later after shower
S> video call tonight after the kids sleep? | C> ok
S> come over this weekend, my parents out | C> ok dear
S> dont tell ur sister about the ring yet | C> my lips sealed
S> age is just a number, ur mum is 10 years older than ur dad | C> haha true
S> ur so beautiful | C> stop it
""",
        "counsellor": """
S> if someone says "keep this our secret", tell a teacher | C> ok
S> groomers often ask "are your parents home?" | C> oh
S> they say things like "delete our chat" or "don't tell your mum" | C> scary
S> never meet someone from online alone, bring an adult | C> ok
S> if anyone threatens to share your pics, report it | C> noted
S> it's not your fault if someone pressures you | C> ok
""",
        "peer": """
S> u alone at home? can i come over to game | C> ya come
S> send pic of ur outfit for prom | C> ok
S> video call la, bored | C> ok
S> delete that ugly pic of me | C> haha no
S> don't tell cikgu i copied ur homework | C> ok haha
S> how old is ur sis | C> 17
S> add me on discord | C> ok
S> come alone, the others busy | C> ok
""",
        "group": """
S> send the group photo pls | C> ok | T> [photo]
S> video call at 9 for the project | C> ok | T> can
S> dont tell cikgu we haven't started | C> lol | T> shh
S> who home alone tonight, can do online | C> me | T> me too
""",
        "surprise": """
S> dont tell ayah about the party, it's a surprise | C> ok
S> delete the chat after reading, he checks my phone haha | C> ok
S> come to my house after school, we wrap the gift | C> ok
S> secret ok, dont let mama know the cake plan | C> ok
""",
        "neighbour": """
S> ur mum asked me to check if ur alone, she's late | C> ya alone
S> i'll pass u the keys, wait at the gate | C> ok auntie
S> send me a pic of the parcel label | C> ok
S> come get the curry, i cooked extra | C> ok
""",
    },
    "ms": {
        "parent": """
S> adik sorang ke kat rumah, mak tersangkut jem | C> ye, kakak belum balik
S> kunci pintu, jangan buka untuk sesiapa | C> baik mak
S> hantar gambar tombol dapur, mak rasa lupa tutup | C> dah tutup
S> ayah ambil adik lepas sekolah, tunggu kat pondok guard | C> ok
S> jangan bagitahu abang mak belikan aiskrim | C> ok
S> video call atok malam ni, dia rindu | C> ok
S> siapa lagi ada kat rumah? | C> adik je
S> turun, mak tunggu dalam kereta | C> ok
""",
        "cousin": """
S> jangan bagitahu mak dulu, kita nak buat surprise | C> ok
S> hantar gambar baju raya, nak samakan warna | C> ok
S> datang rumah akak hujung minggu, kita buat kek | C> boleh
S> akak ambil adik dari tuisyen, mak suruh | C> ok
S> padam la video akak menari tu, malu | C> tak nak haha
""",
        "tutor": """
S> hantar gambar jalan kira soalan 4 | C> ok
S> semua buka kamera untuk kelas online | C> baik cikgu
S> pandai adik, teruskan | C> terima kasih
S> jangan bagitahu kawan jawapan kuiz | C> ok
S> umur berapa, nak isi borang peperiksaan | C> 15
S> mak ada kat rumah? cikgu nak cakap pasal yuran | C> mak kerja
""",
        "coach": """
S> hantar video servis kamu, nak tengok teknik | C> ok
S> jumpa stadium pukul 7, mak ayah hantar kat pagar | C> ok
S> bagitahu mak ayah latihan habis pukul 6 | C> ok
S> siapa ambil kamu hari ni | C> ayah
""",
        "online_seller": """
S> hantar gambar barang bila sampai | C> ok
S> jumpa stesen lrt {place} untuk cod, 6 petang | C> ok
S> whatsapp je, chat shopee lambat | C> ok
S> padam nombor saya lepas deal ye | C> ok
""",
        "couple": """
S> hantar gambar sayang, rindu | C> nanti
S> video call malam ni lepas anak tidur | C> ok
S> jangan bagitahu adik pasal cincin | C> ok
S> cantiknya awak | C> mengada
""",
        "counsellor": """
S> kalau orang cakap "ini rahsia kita", beritahu cikgu | C> baik
S> pemangsa selalu tanya "mak ayah ada kat rumah?" | C> oh
S> jangan jumpa orang kenal online seorang diri | C> ok
S> kalau ada yang ugut sebar gambar, laporkan | C> baik
""",
        "peer": """
S> kau sorang ke kat rumah, aku nak datang main | C> datang la
S> hantar gambar baju kau untuk majlis | C> ok
S> video call la, bosan | C> ok
S> jangan bagitahu cikgu aku tiru kerja kau | C> ok haha
S> padam gambar aku yang hodoh tu | C> tak nak
""",
        "group": """
S> hantar gambar group tadi | C> ok | T> [gambar]
S> video call pukul 9 untuk projek | C> ok | T> boleh
S> jangan bagitahu cikgu kita belum mula | C> haha | T> diam
""",
        "surprise": """
S> jangan bagitahu ayah pasal parti, surprise | C> ok
S> padam chat ni lepas baca, ayah selalu tengok fon mak | C> ok
S> datang rumah lepas sekolah, kita balut hadiah | C> ok
""",
        "neighbour": """
S> mak kamu suruh makcik tengok kamu sorang ke, dia lambat | C> ye sorang
S> makcik bagi kunci, tunggu kat pagar | C> ok
S> datang ambil kari, makcik masak lebih | C> ok
""",
    },
    "mx": {
        "parent": """
S> u sorang ke kat rumah, mama stuck jam | C> ya kakak belum balik
S> lock door, jgn buka for anyone | C> ok ma
S> send pic dapur gas, mama rasa lupa tutup | C> dah off
S> papa fetch u after school, tunggu kat guard house | C> ok
S> jgn bgtau abang i belanja u ice cream | C> ok
S> video call atok tonight, dia rindu | C> ok
""",
        "cousin": """
S> jgn bgtau mama u dulu, we plan surprise | C> ok
S> send pic baju raya u, nak match colour | C> ok
S> datang rumah i weekend, kita bake | C> can
S> i fetch u from tuition, mak u suruh | C> ok tq
""",
        "tutor": """
S> send photo working q4 | C> ok
S> everyone on cam for online class | C> ok cikgu
S> umur brp, nak register exam | C> 15
S> mak u ada rumah? nak discuss fees | C> dia kerja
""",
        "coach": """
S> send clip serve u, nak check form | C> ok coach
S> jumpa stadium 7am, parents drop kat gate | C> ok
S> siapa fetch u today | C> papa
""",
        "online_seller": """
S> send pic barang bila sampai | C> ok
S> jumpa lrt {place} for cod, 6pm | C> ok
S> whatsapp je la, shopee chat slow | C> ok
""",
        "couple": """
S> send pic babe, rindu | C> later
S> video call tonight lepas anak tido | C> ok
S> datang rumah i weekend, parents i takde | C> ok dear
""",
        "counsellor": """
S> kalau orang cakap "ni rahsia kita", report kat cikgu | C> ok
S> groomers selalu tanya "parents ada rumah tak?" | C> oh
S> jgn jumpa orang online sorang2, bawa adult | C> ok
""",
        "peer": """
S> u sorang ke kat rumah, i nak datang main | C> come la
S> send pic outfit u for prom | C> ok
S> video call la bosan | C> ok
S> jgn bgtau cikgu i tiru homework u | C> ok haha
""",
        "group": """
S> send group photo tadi | C> ok | T> [photo]
S> video call 9pm for projek | C> ok | T> can
""",
        "surprise": """
S> jgn bgtau papa pasal party, surprise | C> ok
S> datang rumah lepas sekolah, kita wrap hadiah | C> ok
""",
        "neighbour": """
S> mak u suruh auntie check u sorang ke, dia lambat | C> ya sorang
S> auntie pass kunci, tunggu kat gate | C> ok
""",
    },
}

# ---------------------------------------------------------------------------------------------
# Neutral small talk (no indicator in any reading).
# ---------------------------------------------------------------------------------------------
SMALL: dict[str, str] = {
    "en": """
S> what u having for lunch | C> nasi lemak
S> so hot today | C> ikr
S> u watched the new spiderman | C> not yet
S> my cat keeps sleeping on my laptop | C> lol
S> rain again | C> ya
S> exam when | C> next month
S> haha | C> lol
S> what u doing | C> nothing much
S> the wifi so slow | C> same here
S> u like kpop? | C> a bit
S> weekend plans? | C> sleep
S> ok | C> ok
S> i'm so sleepy | C> same
S> mcd or kfc | C> kfc
S> did u see the match last night | C> ya close game
""",
    "ms": """
S> makan apa tengah hari | C> nasi lemak
S> panas gila hari ni | C> betul
S> dah tengok cerita baru tu | C> belum
S> kucing aku tidur atas laptop | C> haha
S> hujan lagi | C> ha ah
S> periksa bila | C> bulan depan
S> haha | C> hehe
S> buat apa tu | C> takde apa
S> wifi lambat gila | C> sama
S> hujung minggu buat apa | C> tidur
S> ok | C> ok
S> mengantuk gila | C> sama
""",
    "mx": """
S> lunch makan apa | C> nasi lemak
S> panas gila today | C> ikr
S> dah tengok movie baru | C> belum
S> kucing i tido atas laptop | C> lol
S> hujan lagi | C> ya
S> exam bila | C> next month
S> haha | C> lol
S> buat apa tu | C> nothing much
S> wifi slow gila | C> same
S> weekend plan? | C> tido
S> ok | C> ok
S> mcd or kfc | C> kfc
""",
}
