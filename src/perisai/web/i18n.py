"""User-facing text in Bahasa Malaysia and English.

Domains add their own strings with :func:`register`. The language comes from `?lang=`, then the
`lang` cookie, then Accept-Language; Malay is the default.
"""

from __future__ import annotations

from starlette.requests import Request

LANGUAGES = ("ms", "en")
DEFAULT_LANGUAGE = "ms"

_MESSAGES: dict[str, dict[str, str]] = {}


def register(messages: dict[str, dict[str, str]]) -> None:
    for key, texts in messages.items():
        missing = [lang for lang in LANGUAGES if lang not in texts]
        if missing:
            raise ValueError(f"message {key!r} lacks {', '.join(missing)}")
        _MESSAGES[key] = texts


def translate(key: str, lang: str, **values: object) -> str:
    texts = _MESSAGES.get(key)
    if texts is None:
        return key
    text = texts.get(lang) or texts[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def language_of(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get("lang")
    if asked in LANGUAGES:
        return asked
    accept = request.headers.get("accept-language", "").lower()
    for part in accept.split(","):
        code = part.split(";")[0].strip()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


register(
    {
        "app.name": {"ms": "Perisai", "en": "Perisai"},
        "app.tagline": {
            "ms": "Pasukan petugas kebangsaan keselamatan kanak-kanak dalam talian",
            "en": "National online child-safety task force",
        },
        "nav.skip": {"ms": "Langkau ke kandungan", "en": "Skip to content"},
        "nav.home": {"ms": "Utama", "en": "Home"},
        "nav.logout": {"ms": "Log keluar", "en": "Log out"},
        "nav.language": {"ms": "English", "en": "Bahasa Malaysia"},
        "emergency.label": {"ms": "Nombor kecemasan", "en": "Emergency numbers"},
        "emergency.danger": {
            "ms": "Kanak-kanak dalam bahaya sekarang? Hubungi polis dan kecemasan:",
            "en": "A child in danger now? Call the police and emergency services:",
        },
        "emergency.kasih": {
            "ms": "Talian Kasih (24 jam):",
            "en": "Talian Kasih helpline (24 hours):",
        },
        "demo.banner": {
            "ms": "DEMO — data contoh sahaja; log masuk tanpa TOTP dibenarkan",
            "en": "DEMO — sample data only; login without TOTP is allowed",
        },
        "login.title": {"ms": "Log masuk", "en": "Log in"},
        "login.email": {"ms": "E-mel", "en": "Email"},
        "login.password": {"ms": "Kata laluan", "en": "Password"},
        "login.submit": {"ms": "Log masuk", "en": "Log in"},
        "login.failed": {
            "ms": "E-mel atau kata laluan salah.",
            "en": "Email or password is wrong.",
        },
        "login.needs_https": {
            "ms": "Pelayar anda tidak menghantar semula kuki log masuk: pelayan ini menandakan "
            "kukinya Secure (HTTPS sahaja), dan halaman ini dibuka melalui HTTP biasa di {host}. "
            "Buka melalui https://. Untuk makmal di rangkaian yang dipercayai sahaja, tetapkan "
            "PERISAI_COOKIE_SECURE=false dan mulakan semula pelayan (ditolak dalam produksi).",
            "en": "Your browser did not send the login cookie back: this server marks its "
            "cookies Secure (HTTPS only), and this page was opened over plain HTTP at {host}. "
            "Open it over https://. For a lab on a trusted network only, set "
            "PERISAI_COOKIE_SECURE=false and restart the server (refused in production).",
        },
        "login.locked": {
            "ms": "Akaun dikunci sementara selepas terlalu banyak percubaan. Cuba lagi kemudian.",
            "en": "The account is locked for a while after too many attempts. Try again later.",
        },
        "login.expired": {
            "ms": "Borang tamat tempoh. Sila cuba lagi.",
            "en": "The form expired. Please try again.",
        },
        "totp.title": {"ms": "Kod pengesahan", "en": "Verification code"},
        "totp.help": {
            "ms": "Masukkan kod 6 digit daripada aplikasi pengesah anda.",
            "en": "Enter the 6-digit code from your authenticator app.",
        },
        "totp.enrol": {
            "ms": "Imbas kod QR ini dengan aplikasi pengesah (atau taip rahsia di bawah), "
            "kemudian masukkan kod untuk mengesahkan.",
            "en": "Scan this QR code with an authenticator app (or type the secret below), "
            "then enter a code to confirm.",
        },
        "totp.secret": {"ms": "Rahsia", "en": "Secret"},
        "totp.qr_alt": {
            "ms": "Kod QR untuk aplikasi pengesah",
            "en": "QR code for the authenticator app",
        },
        "totp.enrol_shown": {
            "ms": "Kod QR aplikasi pengesah anda telah dipaparkan sekali, semasa log masuk "
            "pertama. Masukkan kod daripada aplikasi itu. Jika anda tidak menyimpannya, "
            "minta pentadbir menetapkan semula pengesahan anda.",
            "en": "The QR code for your authenticator app was shown once, at your first sign-in. "
            "Enter a code from that app. If you did not keep it, ask an administrator to reset "
            "your verification.",
        },
        "totp.code": {"ms": "Kod", "en": "Code"},
        "totp.submit": {"ms": "Sahkan", "en": "Verify"},
        "totp.failed": {"ms": "Kod tidak sah.", "en": "The code is not valid."},
        "home.title": {"ms": "Selamat datang", "en": "Welcome"},
        "home.signed_in_as": {
            "ms": "Anda log masuk sebagai {name} ({role}), {agency}.",
            "en": "You are logged in as {name} ({role}), {agency}.",
        },
        "home.next": {"ms": "Ruang kerja anda", "en": "Your workspace"},
    }
)
