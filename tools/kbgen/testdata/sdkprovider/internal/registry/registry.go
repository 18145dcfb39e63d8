// Test input for kbgen: resources registered from init functions into a package-level registry, as google does.
package registry

import (
	"sync"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
)

type Entry struct {
	Name   string
	Schema *schema.Resource
}

type registered struct {
	sync.RWMutex
	m map[string]Entry
}

var entries = &registered{m: make(map[string]Entry)}

func (e Entry) Register() {
	entries.Lock()
	defer entries.Unlock()
	entries.m[e.Name] = e
}

func ResourceMap() map[string]*schema.Resource {
	out := map[string]*schema.Resource{}
	for k, v := range entries.m {
		out[k] = v.Schema
	}
	return out
}
