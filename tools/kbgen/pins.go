package main

// The pinned provider versions (providers.json) and fetching a pinned module's source through the
// Go module proxy: `go mod download` puts the module zip in the module cache (or finds it there)
// and says where its files are; its checksum is checked against the pin.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

type Pins struct {
	Comment   string `json:"comment,omitempty"`
	Providers []Pin  `json:"providers"`
}

type Pin struct {
	Name       string `json:"name"`
	File       string `json:"file"`
	Source     string `json:"source"`
	Version    string `json:"version"`
	Module     string `json:"module"`
	Commit     string `json:"commit,omitempty"`
	Tag        string `json:"tag,omitempty"`
	Repository string `json:"repository,omitempty"`
	// ModuleVersion is the version to ask the Go module proxy for (a pseudo-version for a v2+ tag
	// without a /vN module path); empty when the proxy does not serve it and the source must be given.
	ModuleVersion string `json:"moduleVersion,omitempty"`
	// ZipSum is the h1: checksum of that module zip.
	ZipSum string `json:"zipSum,omitempty"`
	// RecordModuleSum writes ZipSum as provider.moduleSum (when no commit is known).
	RecordModuleSum bool   `json:"recordModuleSum,omitempty"`
	Overlay         string `json:"overlay,omitempty"`
	// SourceFrom says, for humans, where the source directory was read from (a repository
	// snapshot, an index of the source) when it is not the Go module proxy.
	SourceFrom string `json:"sourceFrom,omitempty"`
	// SourceRepository and SourceCommit go into the data file (provider.sourceRepository,
	// provider.sourceCommit) when the source is not read from the provider's own repository.
	SourceRepository string `json:"sourceRepository,omitempty"`
	SourceCommit     string `json:"sourceCommit,omitempty"`
	// Deps are dependency modules to read as well (GenerateOptions.Deps).
	Deps []string `json:"deps,omitempty"`
	// ExtraPackages are import paths the source directory lacks, to be given as -extra IMPORTPATH=DIR.
	ExtraPackages []string `json:"extraPackages,omitempty"`
	// Layout is the output layout of the data file (layoutIndented when empty).
	Layout string `json:"layout,omitempty"`
	Note   string `json:"note,omitempty"`
}

func LoadPins(path string) (*Pins, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p Pins
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &p, nil
}

func (p *Pins) find(name string) (*Pin, error) {
	for i := range p.Providers {
		if p.Providers[i].Name == name {
			return &p.Providers[i], nil
		}
	}
	return nil, fmt.Errorf("no pinned provider named %q", name)
}

func (p *Pin) Meta() Meta {
	m := Meta{Source: p.Source, Version: p.Version, Module: p.Module, Commit: p.Commit, Tag: p.Tag, Repository: p.Repository, SourceRepository: p.SourceRepository, SourceCommit: p.SourceCommit}
	if p.RecordModuleSum {
		m.ModuleSum = p.ZipSum
	}
	return m
}

type downloaded struct {
	Dir   string
	Sum   string
	Error string
}

// DownloadModule returns the directory of module@version in the module cache, fetching it through
// the Go module proxy when it is not there yet, and checks its checksum when one is pinned.
func DownloadModule(module, version, wantSum string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	cmd.Dir = os.TempDir()
	out, err := cmd.Output()
	var d downloaded
	if jerr := json.Unmarshal(out, &d); jerr != nil {
		if err != nil {
			return "", fmt.Errorf("go mod download %s@%s: %v", module, version, err)
		}
		return "", fmt.Errorf("go mod download %s@%s: %v", module, version, jerr)
	}
	if d.Error != "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", module, version, d.Error)
	}
	if wantSum != "" && d.Sum != wantSum {
		return "", fmt.Errorf("%s@%s: module checksum %s, pinned %s", module, version, d.Sum, wantSum)
	}
	return d.Dir, nil
}
