"""Age checks for platforms: presentation requests, verification, policy, the parents' page.

The verifying is done by the pure `perisai.age` library; this domain keeps single-use nonces
(hashed), answers `{"over", "result"}` and never stores a presentation.
"""
