package main

import (
	"crypto/rand"
	"encoding/hex"
)

// newID returns a fresh identifier for a created object: random, so a replacement is visibly a new object.
func newID(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error on supported platforms
	return prefix + "-" + hex.EncodeToString(b)
}
