"""The control plane's pure parts: rate limiting and fault injection (no HTTP here)."""
