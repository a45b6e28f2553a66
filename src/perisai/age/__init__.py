"""Age assurance: strict verifiers for SD-JWT VC and ISO mdoc age proofs, and a test issuer.

A pure library (no database, no web): a platform can use it on its own.

    from perisai.age import TrustList, verify_presentation
    trust = load_trust_files([Path("issuer-root.pem")])
    check = verify_presentation(data, trust=trust, nonce=nonce, audience=client_id)
    check.valid, check.error, check.age_over, check.answer(16)   # True / False / "unknown"

See docs/age.md for the checks made and the reason codes.
"""

from perisai.age.errors import AgeProofError, Reason, VerifierConfigError
from perisai.age.mdoc import MdocPolicy, verify_mdoc
from perisai.age.sdjwt import SdJwtPolicy, verify_sd_jwt
from perisai.age.transcript import SessionTranscript
from perisai.age.trust import TrustFileError, TrustList, load_trust_files
from perisai.age.verify import AgeCheck, UnreadableInput, verify_presentation

__all__ = [
    "AgeCheck",
    "AgeProofError",
    "MdocPolicy",
    "Reason",
    "SdJwtPolicy",
    "SessionTranscript",
    "TrustFileError",
    "TrustList",
    "UnreadableInput",
    "VerifierConfigError",
    "load_trust_files",
    "verify_mdoc",
    "verify_presentation",
    "verify_sd_jwt",
]
