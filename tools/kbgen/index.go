package main

// index.json: resource type → provider file, rebuilt from every provider file in a directory.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const indexDescription = "Maps a resource type to the provider file that describes it, so a reader loads only the providers it needs. `resources` (exact types, aliases included) wins over `prefixes` (longest match)."

type indexFile struct {
	FormatVersion int                      `json:"formatVersion"`
	Description   string                   `json:"description"`
	Providers     map[string]indexProvider `json:"providers"`
	Resources     map[string]string        `json:"resources"`
	Prefixes      map[string]string        `json:"prefixes"`
}

type indexProvider struct {
	Source  string `json:"source"`
	Version string `json:"version"`
}

// BuildIndex reads the provider files of dir (every *.json but index.json) into an index.
func BuildIndex(dir string) (*indexFile, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	idx := &indexFile{FormatVersion: formatVersion, Description: indexDescription, Providers: map[string]indexProvider{}, Resources: map[string]string{}, Prefixes: map[string]string{}}
	for _, f := range files {
		base := filepath.Base(f)
		if base == "index.json" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var pf ProviderFile
		if err := json.Unmarshal(data, &pf); err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		if pf.FormatVersion != formatVersion {
			return nil, fmt.Errorf("%s: formatVersion %d is not %d", f, pf.FormatVersion, formatVersion)
		}
		idx.Providers[base] = indexProvider{Source: pf.Provider.Source, Version: pf.Provider.Version}
		for name := range pf.Resources {
			if other, taken := idx.Resources[name]; taken {
				return nil, fmt.Errorf("%s: resource type %s is also in %s", f, name, other)
			}
			idx.Resources[name] = base
		}
		for alias := range pf.Aliases {
			idx.Resources[alias] = base
		}
		if pf.Provider.SDK != "builtin" {
			parts := strings.Split(pf.Provider.Source, "/")
			idx.Prefixes[parts[len(parts)-1]+"_"] = base
		}
	}
	return idx, nil
}
