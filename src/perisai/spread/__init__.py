"""Stop the spread: a child's own picture, fingerprinted on their device, blocked by platforms."""
