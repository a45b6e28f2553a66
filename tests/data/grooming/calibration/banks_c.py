"""Phrase banks of the calibration set's family "c" (issue 14): new exchanges written after
families a and b, by the same session, under the same rules (banks.py, README.md). No exchange
here is in banks.py, so family c shares no wording with families a and b beyond small talk."""

from __future__ import annotations

GROOMING: dict[str, dict[str, str]] = {
    "en": {
        "probe": """
S> u in lower sec or upper sec | C> lower
S> how old r u actually, u look older | C> 14
S> which taman u staying, i pass by there a lot | C> taman melati
S> ur school the one with the blue gate? | C> ya how u know
""",
        "flatter": """
S> talking to u is the best part of my day | C> aww same
S> ur honestly prettier than those influencers | C> no la
S> ur not like other kids, u think like an adult | C> hehe thanks
""",
        "gift": """
S> i transferred some diamonds to ur account, check | C> omg thanks
S> i'll pay for ur data plan, dont worry | C> really?
S> let me buy u the new shoes, my treat, no need to pay back | C> wah ok
""",
        "risk": """
S> who's at home with u now | C> nobody
S> ur parents strict about who u talk to? | C> a bit
S> ur mum working night shift this week? | C> ya
S> do u lock ur door at night | C> sometimes
""",
        "secret": """
S> lets keep this just us ya, nobody else | C> ok
S> promise u wont screenshot our chats to anyone | C> promise
S> people wont understand, so dont share | C> ok
""",
        "deceive": """
S> say ur going to the mall with ur classmates | C> ok
S> tell ur dad u got koko on saturday | C> ok
S> if ur mum calls, say ur at tuition | C> ok
""",
        "isolate": """
S> only i really understand u, not ur family | C> maybe
S> ur friends talk behind ur back, trust me | C> really?
S> ur better off not telling ur sis anything | C> ok
""",
        "move": """
S> download telegram, easier to talk there | C> ok
S> delete my number from ur contacts, save it as 'tuition' | C> ok
S> this chat got too many ppl watching, move to snap | C> ok
""",
        "agegap": """
S> older guys know how to treat u properly | C> hmm
S> the age thing doesnt matter when u click | C> ya i guess
""",
        "photo": """
S> take a pic for me now, i wanna see ur face | C> why
S> can u send a quick vid of u, no one else will see | C> hmm
S> show me ur outfit, full pic ya | C> later
""",
        "cam": """
S> switch on ur video, i wanna see u | C> now?
S> call me on video later when ur alone | C> ok
""",
        "meet": """
S> i'll wait for u behind the school after class | C> ok
S> come to my car, i'm parked near ur block | C> now?
S> let's meet at the mall, but dont bring ur friends | C> ok
""",
        "threat": """
S> if u stop replying i'll tell ur parents everything | C> pls no
S> i still have our chats, think carefully | C> ok ok
S> u dont want ur teacher to see this right | C> no
""",
        "end": """
S> see u tmr | C> ok
S> thanks for trusting me | C> ok
""",
    },
    "ms": {
        "probe": """
S> adik tingkatan satu ke dua | C> dua
S> duduk taman mana, abang selalu lalu situ | C> taman melati
S> sekolah adik yang pagar biru tu kan | C> ha ah
""",
        "flatter": """
S> borak dengan adik buat abang happy | C> hehe
S> adik lagi lawa dari artis | C> mana ada
S> adik matang, tak macam budak sebaya | C> terima kasih
""",
        "gift": """
S> abang dah transfer diamond, cek akaun | C> terima kasih
S> abang bayar data fon adik bulan ni | C> betul ke
S> abang belanja kasut baru, tak payah bayar balik | C> ok
""",
        "risk": """
S> siapa ada kat rumah dengan adik sekarang | C> takde sapa
S> mak kerja malam minggu ni? | C> ye
S> mak ayah adik garang pasal kawan online? | C> sikit
""",
        "secret": """
S> kita simpan antara kita je, orang lain tak payah tahu | C> ok
S> janji jangan screenshot chat kita | C> janji
S> orang tak faham, jadi jangan kongsi | C> ok
""",
        "deceive": """
S> cakap pergi mall dengan kawan sekelas | C> ok
S> bagitahu ayah ada koko hari sabtu | C> ok
S> kalau mak call, cakap ada kat tuisyen | C> ok
""",
        "isolate": """
S> abang je faham adik, family adik tak | C> mungkin
S> kawan adik cakap belakang adik, percaya abang | C> ye ke
""",
        "move": """
S> download telegram, senang borak kat sana | C> ok
S> simpan nombor abang nama 'tuisyen' | C> ok
S> ramai orang tengok chat ni, pindah snap | C> ok
""",
        "agegap": """
S> lelaki lebih tua tahu jaga adik | C> hmm
S> beza umur tak penting kalau serasi | C> ye kot
""",
        "photo": """
S> ambil gambar sekarang, abang nak tengok muka adik | C> kenapa
S> hantar video pendek adik, orang lain takkan nampak | C> hmm
S> tunjuk baju adik, gambar penuh ye | C> nanti
""",
        "cam": """
S> buka video, abang nak tengok adik | C> sekarang?
S> nanti video call bila adik sorang | C> ok
""",
        "meet": """
S> abang tunggu belakang sekolah lepas kelas | C> ok
S> datang kereta abang, parking dekat blok adik | C> sekarang?
S> jumpa kat mall, jangan bawa kawan | C> ok
""",
        "threat": """
S> kalau adik tak balas abang bagitahu mak ayah semua | C> jangan
S> abang masih simpan chat kita, fikir baik2 | C> ok ok
""",
        "end": """
S> jumpa esok | C> ok
S> terima kasih percaya abang | C> ok
""",
    },
    "mx": {
        "probe": """
S> u form 1 ke form 2 | C> form 2
S> u duduk taman mana, i selalu lalu situ | C> taman melati
S> sekolah u yg pagar biru tu kan | C> ya
""",
        "flatter": """
S> chat dgn u buat i happy | C> hehe
S> u lagi lawa dari influencer tu | C> mana ada
S> u matang la, not like budak sebaya | C> tq
""",
        "gift": """
S> i dah transfer diamond, check account u | C> tq
S> i bayar data plan u bulan ni | C> serious?
S> i belanja kasut baru, x payah bayar balik | C> ok
""",
        "risk": """
S> siapa ada rumah dgn u now | C> takde
S> mak u kerja night shift ke minggu ni | C> ya
S> parents u strict ke pasal kawan online | C> sikit
""",
        "secret": """
S> ni kita simpan je, org lain x payah tau | C> ok
S> promise jgn screenshot chat kita | C> promise
""",
        "deceive": """
S> ckp pegi mall dgn classmates | C> ok
S> if mak call, ckp kat tuition | C> ok
""",
        "isolate": """
S> i je faham u, family u tak | C> maybe
S> kawan u ckp belakang u, trust me | C> ye ke
""",
        "move": """
S> download telegram, senang chat sana | C> ok
S> save nombor i as 'tuition' | C> ok
""",
        "agegap": """
S> older guy tau jaga u | C> hmm
S> beza umur x penting la kalau ngam | C> ya kot
""",
        "photo": """
S> ambik pic now, i nak tgk muka u | C> why
S> send short vid u, org lain x nampak | C> hmm
""",
        "cam": """
S> on video, i nak tgk u | C> now?
S> nanti video call bila u sorang | C> ok
""",
        "meet": """
S> i tunggu belakang sekolah lepas class | C> ok
S> datang kereta i, parking dekat block u | C> now?
S> jumpa kat mall, jgn bawak kawan | C> ok
""",
        "threat": """
S> kalau u x reply i bgtau parents u semua | C> jgn
S> i still ada chat kita, think carefully | C> ok ok
""",
        "end": """
S> jumpa esok | C> ok
S> tq trust i | C> ok
""",
    },
}

PRETEXT: dict[str, dict[str, str]] = {
    "en": {
        "tutor": """
S> class tmr we do past year paper 2019 | C> ok teacher
S> bring ur calculator | C> ok
""",
        "coach": """
S> good effort at the friendly match | C> thanks coach
S> rest well, no training sunday | C> ok
""",
        "online_seller": """
S> item shipped, jnt tracking below | C> ok
S> pls leave 5 star if ok | C> sure
""",
        "game_friend": """
S> that clutch was crazy | C> lol luck
S> ranked later? | C> maybe
""",
        "neighbour": """
S> the guard asked about ur bicycle | C> oh ok
S> water cut tmr 9 to 5 | C> ok
""",
        "cousin": """
S> mak long says hi | C> hi mak long
S> kenduri next saturday ya | C> ok
""",
        "photographer": """
S> ur photos from the event came out nice | C> thanks
S> i do free test shoots sometimes | C> oh
""",
        "peer": """
S> pe test tmr ugh | C> ikr
S> u done the bm karangan | C> not yet
""",
        "parent": """
S> ur brother fetching u today | C> ok
S> dont forget ur water bottle | C> ok
""",
        "couple": """
S> reached home safe? | C> yes love
S> dinner at my mum's sunday | C> ok
""",
        "counsellor": """
S> class, todays slide is about cyberbullying and grooming | C> ok cikgu
S> any questions after, find me | C> ok
""",
        "group": """
S> who bringing the mahjong paper | C> me | T> i bring glue
S> deadline monday ya | C> ok | T> noted
""",
    },
    "ms": {
        "tutor": """
S> kelas esok buat kertas tahun 2019 | C> baik cikgu
S> bawa kalkulator | C> ok
""",
        "coach": """
S> bagus perlawanan persahabatan tadi | C> terima kasih coach
S> rehat, ahad takde latihan | C> ok
""",
        "online_seller": """
S> barang dah pos, tracking kat bawah | C> ok
S> bagi 5 bintang kalau ok | C> boleh
""",
        "game_friend": """
S> clutch tadi gila | C> nasib je
S> ranked nanti? | C> tengok la
""",
        "neighbour": """
S> pak guard tanya pasal basikal adik | C> oh ok
S> esok air putus 9 sampai 5 | C> ok
""",
        "cousin": """
S> mak long kirim salam | C> waalaikumsalam
S> kenduri sabtu depan | C> ok
""",
        "photographer": """
S> gambar adik masa event cantik | C> terima kasih
S> akak kadang buat test shoot percuma | C> oh
""",
        "peer": """
S> ujian pj esok | C> malas
S> kau dah siap karangan bm | C> belum
""",
        "parent": """
S> abang ambil adik hari ni | C> ok
S> jangan lupa botol air | C> ok
""",
        "couple": """
S> dah sampai rumah? | C> dah sayang
S> ahad makan rumah mak | C> ok
""",
        "counsellor": """
S> kelas, slaid hari ni pasal buli siber dan grooming | C> baik cikgu
S> ada soalan jumpa cikgu | C> ok
""",
        "group": """
S> siapa bawa kertas mahjong | C> aku | T> aku bawa gam
S> hantar isnin | C> ok | T> noted
""",
    },
    "mx": {
        "tutor": """
S> class esok buat past year 2019 | C> ok cikgu
S> bawak calculator | C> ok
""",
        "coach": """
S> good effort friendly match tadi | C> tq coach
S> rest, ahad takde training | C> ok
""",
        "online_seller": """
S> barang dah ship, tracking bawah | C> ok
S> bagi 5 star if ok | C> sure
""",
        "game_friend": """
S> clutch tadi gila | C> luck je
S> ranked later? | C> maybe
""",
        "neighbour": """
S> guard tanya pasal basikal u | C> oh ok
S> air putus esok 9 to 5 | C> ok
""",
        "cousin": """
S> mak long kirim salam | C> ok
S> kenduri next sabtu | C> ok
""",
        "photographer": """
S> photo u masa event nice | C> tq
S> i buat free test shoot kadang2 | C> oh
""",
        "peer": """
S> pj test esok ugh | C> ikr
S> u dah siap karangan bm | C> belum
""",
        "parent": """
S> abang fetch u today | C> ok
S> jgn lupa water bottle | C> ok
""",
        "couple": """
S> dah sampai rumah? | C> dah love
S> ahad dinner rumah mak | C> ok
""",
        "counsellor": """
S> class, slide harini pasal cyberbully dan grooming | C> ok cikgu
S> ada soalan jumpa i | C> ok
""",
        "group": """
S> siapa bawak kertas mahjong | C> aku | T> i bawak gam
S> deadline isnin | C> ok | T> noted
""",
    },
}

BENIGN: dict[str, dict[str, str]] = {
    "en": {
        "parent": """
S> are u home alone? abah at work till late | C> ya
S> take a pic of the electric bill for me | C> ok
S> i'm waiting outside the school, come out | C> ok
S> dont tell adik we're getting him a bike | C> ok haha
""",
        "cousin": """
S> ur mum said u can sleep over at our place friday | C> yay
S> send me the video of the kenduri, the one with the kompang | C> ok
S> just between us, i failed my driving test lol | C> haha ok
""",
        "tutor": """
S> pls on ur camera, i need to see ur workings | C> ok teacher
S> send a photo of ur answer sheet when done | C> ok
S> dont share the answer key with others ok | C> ok
S> is anyone at home to sign the form | C> my mum later
""",
        "coach": """
S> film ur run-up and send me, want to check | C> ok coach
S> parents pls fetch at 6, no one walks home alone | C> ok
S> keep the lineup secret till match day | C> ok
""",
        "online_seller": """
S> can meet at the petrol station for cod? | C> ok
S> send pic of the parcel when u receive | C> ok
S> my number change, whatsapp the new one | C> ok
""",
        "couple": """
S> send me a selfie, want to see the new haircut | C> ok
S> come to my place tonight, i cook | C> ok
S> delete that ugly pic of me pls | C> never
S> video call before sleep? | C> ok love
""",
        "counsellor": """
S> a groomer might say "ur so mature for ur age" | C> oh
S> if someone asks u to "keep it between us", thats a red flag | C> ok
S> "send me a pic" from a stranger, say no and block | C> ok
S> you can always tell us if someone pressures you | C> ok
""",
        "peer": """
S> ur parents out? lets game at ur house | C> ya come
S> take a pic of the homework for me pls | C> ok
S> dont tell anyone i like him ok | C> secret safe
S> call me on video, i need help with the maths | C> ok
""",
        "group": """
S> everyone pls send ur photo for the class magazine | C> ok | T> done
S> video meeting at 8 for the project | C> can | T> ok
S> anyone home alone tonight? let's do the slides online | C> me | T> me too
""",
        "surprise": """
S> keep the party secret from mak ok | C> ok
S> come over early to help decorate | C> ok
S> delete the group chat after, ayah might see | C> ok
""",
        "neighbour": """
S> ur grandma asked me to check if u alone at home | C> ya alone
S> come take the durian, i got extra | C> ok
S> send me a pic of the meter reading pls | C> ok
""",
    },
    "ms": {
        "parent": """
S> adik sorang kat rumah? abah kerja sampai lewat | C> ye
S> ambil gambar bil elektrik untuk mak | C> ok
S> mak tunggu luar sekolah, keluar | C> ok
S> jangan bagitahu adik kita nak beli basikal | C> ok
""",
        "cousin": """
S> mak kau kata boleh tidur rumah kami jumaat | C> yay
S> hantar video kenduri, yang ada kompang | C> ok
S> antara kita je, aku gagal ujian memandu | C> haha ok
""",
        "tutor": """
S> buka kamera, cikgu nak tengok jalan kira | C> baik cikgu
S> hantar gambar kertas jawapan bila siap | C> ok
S> jangan kongsi skema jawapan dengan orang lain | C> baik
""",
        "coach": """
S> rakam larian kamu, hantar pada coach | C> ok
S> mak ayah ambil pukul 6, jangan balik sorang | C> ok
""",
        "online_seller": """
S> boleh jumpa kat stesen minyak untuk cod? | C> ok
S> hantar gambar parcel bila sampai | C> ok
""",
        "couple": """
S> hantar swafoto, nak tengok rambut baru | C> ok
S> datang rumah malam ni, saya masak | C> ok
S> video call sebelum tidur? | C> ok sayang
""",
        "counsellor": """
S> pemangsa mungkin cakap "kamu matang untuk umur kamu" | C> oh
S> kalau orang suruh "simpan antara kita", itu tanda bahaya | C> baik
S> orang asing minta gambar, tolak dan block | C> baik
""",
        "peer": """
S> mak ayah kau keluar? jom main game rumah kau | C> jom
S> snap gambar homework untuk aku | C> ok
S> jangan bagitahu sesiapa aku suka dia | C> rahsia
S> video call, tolong ajar matematik | C> ok
""",
        "group": """
S> semua hantar gambar untuk majalah kelas | C> ok | T> dah
S> ada sapa sorang kat rumah malam ni? buat slaid online | C> aku | T> aku pun
""",
        "surprise": """
S> rahsiakan parti dari mak ok | C> ok
S> datang awal tolong hias | C> ok
""",
        "neighbour": """
S> nenek kamu suruh makcik tengok kamu sorang ke | C> ye sorang
S> datang ambil durian, makcik ada lebih | C> ok
""",
    },
    "mx": {
        "parent": """
S> u sorang kat rumah? abah kerja sampai late | C> ya
S> ambik pic bil elektrik for mama | C> ok
S> mama tunggu luar sekolah, come out | C> ok
""",
        "cousin": """
S> mak u kata boleh sleepover rumah kitorang jumaat | C> yay
S> send video kenduri, yg ada kompang | C> ok
""",
        "tutor": """
S> on camera, i nak tgk working u | C> ok cikgu
S> send photo answer sheet bila siap | C> ok
""",
        "coach": """
S> record run-up u, send to coach | C> ok
S> parents fetch 6pm, jgn balik sorang | C> ok
""",
        "online_seller": """
S> boleh jumpa petrol station for cod? | C> ok
S> send pic parcel bila sampai | C> ok
""",
        "couple": """
S> send selfie, nak tgk haircut baru | C> ok
S> datang rumah i malam ni, i masak | C> ok
S> video call before tido? | C> ok love
""",
        "counsellor": """
S> groomer mungkin ckp "u so mature for ur age" | C> oh
S> kalau org suruh "keep it between us", red flag | C> ok
""",
        "peer": """
S> parents u keluar? jom game rumah u | C> jom
S> snap pic homework for me pls | C> ok
S> jgn bgtau sesiapa i suka dia | C> secret
""",
        "group": """
S> semua send photo for majalah kelas | C> ok | T> done
S> siapa sorang kat rumah tonight? buat slide online | C> me | T> me too
""",
        "surprise": """
S> rahsiakan party dari mama ok | C> ok
S> datang awal tolong decorate | C> ok
""",
        "neighbour": """
S> nenek u suruh auntie check u sorang ke | C> ya sorang
S> datang ambik durian, auntie ada lebih | C> ok
""",
    },
}

SMALL: dict[str, str] = {
    "en": """
S> the new bubble tea shop any good | C> so so
S> ur team won last night? | C> lost lol
S> holidays going back kampung? | C> maybe
S> my phone battery dying | C> same
S> what song u listening now | C> taylor swift
S> so sleepy after lunch | C> ikr
""",
    "ms": """
S> kedai bubble tea baru tu sedap tak | C> biasa je
S> team kau menang semalam? | C> kalah
S> cuti balik kampung? | C> mungkin
S> bateri fon aku nak habis | C> sama
S> dengar lagu apa sekarang | C> siti nurhaliza
S> mengantuk lepas makan | C> betul
""",
    "mx": """
S> bubble tea shop baru tu ok tak | C> so so
S> team u menang semalam? | C> kalah lol
S> cuti balik kampung? | C> maybe
S> battery phone i nak habis | C> same
S> dengar lagu apa now | C> taylor swift
S> ngantuk lepas lunch | C> ikr
""",
}
