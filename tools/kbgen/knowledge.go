package main

// The knowledge-base file the generator writes (data/terraform-providers/FORMAT.md). Field order
// follows the format's tables so that generated and hand-made files read alike; map keys are
// sorted by encoding/json.

import (
	"bytes"
	"encoding/json"
	"os"
	"sort"
	"strings"
)

const formatVersion = 1

// generatorName goes into `generatedBy`; bump the version when the output for the same source changes.
const generatorName = "generator kbgen 0.1.0"

type ProviderFile struct {
	FormatVersion int                  `json:"formatVersion"`
	Provider      ProviderMeta         `json:"provider"`
	GeneratedBy   string               `json:"generatedBy"`
	Resources     map[string]*Resource `json:"resources"`
	Aliases       map[string]string    `json:"aliases,omitempty"`
	Coverage      *Coverage            `json:"coverage,omitempty"`
}

type ProviderMeta struct {
	Source     string `json:"source"`
	Version    string `json:"version"`
	Module     string `json:"module,omitempty"`
	Commit     string `json:"commit,omitempty"`
	ModuleSum  string `json:"moduleSum,omitempty"`
	Tag        string `json:"tag,omitempty"`
	Repository string `json:"repository,omitempty"`
	// SourceRepository and SourceCommit say where the source was read when that is not the
	// provider's own repository (aws: a one-declaration-per-file index of its source), so that a
	// file without a provider commit still names the exact source it came from.
	SourceRepository string `json:"sourceRepository,omitempty"`
	SourceCommit     string `json:"sourceCommit,omitempty"`
	SDK              string `json:"sdk"`
}

type Resource struct {
	SourceFile              string                   `json:"sourceFile,omitempty"`
	Deprecated              bool                     `json:"deprecated,omitempty"`
	SDK                     string                   `json:"sdk,omitempty"`
	Stateful                bool                     `json:"stateful,omitempty"`
	StatefulReason          string                   `json:"statefulReason,omitempty"`
	Identity                *Identity                `json:"identity,omitempty"`
	Attributes              map[string]*Attribute    `json:"attributes"`
	Blocks                  map[string]*Block        `json:"blocks,omitempty"`
	ConditionalReplacements []ConditionalReplacement `json:"conditionalReplacements,omitempty"`
}

type Identity struct {
	Attributes []string `json:"attributes"`
	Hazard     string   `json:"hazard"`
}

type Attribute struct {
	Replace            string                `json:"replace"`
	Condition          string                `json:"condition,omitempty"`
	Note               string                `json:"note,omitempty"`
	Required           bool                  `json:"required,omitempty"`
	Optional           bool                  `json:"optional,omitempty"`
	Computed           bool                  `json:"computed,omitempty"`
	Sensitive          bool                  `json:"sensitive,omitempty"`
	Deprecated         bool                  `json:"deprecated,omitempty"`
	WriteOnly          bool                  `json:"writeOnly,omitempty"`
	UseStateForUnknown bool                  `json:"useStateForUnknown,omitempty"`
	Type               string                `json:"type,omitempty"`
	Default            any                   `json:"default,omitempty"`
	Source             string                `json:"source,omitempty"`
	Nesting            string                `json:"nesting,omitempty"`
	Attributes         map[string]*Attribute `json:"attributes,omitempty"`
}

type Block struct {
	Nesting    string                `json:"nesting"`
	Replace    string                `json:"replace"`
	Condition  string                `json:"condition,omitempty"`
	Note       string                `json:"note,omitempty"`
	Deprecated bool                  `json:"deprecated,omitempty"`
	MinItems   *int                  `json:"minItems,omitempty"`
	MaxItems   *int                  `json:"maxItems,omitempty"`
	Source     string                `json:"source,omitempty"`
	Attributes map[string]*Attribute `json:"attributes"`
	Blocks     map[string]*Block     `json:"blocks,omitempty"`
}

type ConditionalReplacement struct {
	Attributes []string `json:"attributes"`
	Kind       string   `json:"kind,omitempty"`
	Condition  string   `json:"condition"`
	Source     string   `json:"source,omitempty"`
}

// Coverage says what the generator read and what it could not; it is part of the provider file so
// that the data and the gaps in it travel together.
type Coverage struct {
	Resources     int `json:"resources"`
	Aliases       int `json:"aliases,omitempty"`
	ForceNewPaths int `json:"forceNewPaths"`
	Conditional   int `json:"conditional"`
	// ConditionalReplacements counts the resource-level entries (code, clock or refresh driven).
	ConditionalReplacements int         `json:"conditionalReplacements"`
	CouldNotRead            []Unread    `json:"couldNotRead,omitempty"`
	Unread                  []Unread    `json:"unreadAttributes,omitempty"`
	FileErrors              []FileError `json:"unparsedFiles,omitempty"`
	Overlay                 []string    `json:"overlayProblems,omitempty"`
}

type Unread struct {
	Resource string `json:"resource"`
	Path     string `json:"path,omitempty"`
	Why      string `json:"why"`
}

func intPtr(n int) *int { return &n }

// countPaths counts the paths whose rule is not `never`, and among them the conditional ones, the
// way the language server lists force-new paths (an attribute or block, nested ones included).
func (r *Resource) countPaths() (forceNew, conditional int) {
	var walkAttrs func(map[string]*Attribute)
	var walkBlocks func(map[string]*Block)
	walkAttrs = func(as map[string]*Attribute) {
		for _, a := range as {
			if a.Replace != "never" {
				forceNew++
				if a.Replace == "conditional" {
					conditional++
				}
			}
			walkAttrs(a.Attributes)
		}
	}
	walkBlocks = func(bs map[string]*Block) {
		for _, b := range bs {
			if b.Replace != "never" {
				forceNew++
				if b.Replace == "conditional" {
					conditional++
				}
			}
			walkAttrs(b.Attributes)
			walkBlocks(b.Blocks)
		}
	}
	walkAttrs(r.Attributes)
	walkBlocks(r.Blocks)
	return
}

func (pf *ProviderFile) fillCoverage() {
	if pf.Coverage == nil {
		pf.Coverage = &Coverage{}
	}
	c := pf.Coverage
	c.Resources, c.Aliases, c.ForceNewPaths, c.Conditional, c.ConditionalReplacements = len(pf.Resources), len(pf.Aliases), 0, 0, 0
	for _, r := range pf.Resources {
		f, cond := r.countPaths()
		c.ForceNewPaths += f
		c.Conditional += cond
		c.ConditionalReplacements += len(r.ConditionalReplacements)
	}
	sort.Slice(c.CouldNotRead, func(i, j int) bool { return c.CouldNotRead[i].Resource < c.CouldNotRead[j].Resource })
	sort.Slice(c.Unread, func(i, j int) bool {
		if c.Unread[i].Resource != c.Unread[j].Resource {
			return c.Unread[i].Resource < c.Unread[j].Resource
		}
		return c.Unread[i].Path < c.Unread[j].Path
	})
	sort.Slice(c.FileErrors, func(i, j int) bool { return c.FileErrors[i].File < c.FileErrors[j].File })
}

// marshalFile renders JSON the way the repository's data files are written: two-space indent,
// no HTML escaping, a final newline.
func marshalFile(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeJSON(path string, v any) error {
	data, err := marshalFile(v)
	if err != nil {
		return err
	}
	return writeOutput(path, data)
}

// writeOutput writes to a file, or to stdout for "" and "-".
func writeOutput(path string, data []byte) error {
	if path == "" || path == "-" {
		_, err := os.Stdout.Write(data)
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// providerFileName is the data file name for a source address: hashicorp-local.json.
func providerFileName(source string) string {
	parts := strings.Split(source, "/")
	if len(parts) < 2 {
		return source + ".json"
	}
	return parts[len(parts)-2] + "-" + parts[len(parts)-1] + ".json"
}

// untypedNote is added to an attribute whose type the generator could not state.
const untypedNote = "Its type is not recorded: the schema states it in a form the generator does not evaluate (a custom type, or an element schema it could not read)."

// completeTypes gives every attribute a type: a nested attribute's is built from its attributes'
// (object({…}), in a list, set or map as its nesting says); one that cannot be built, or a custom
// type the generator did not evaluate, gets a note saying so instead.
func (pf *ProviderFile) completeTypes() {
	for _, r := range pf.Resources {
		completeAttributeTypes(r.Attributes)
		completeBlockTypes(r.Blocks)
	}
}

func completeBlockTypes(blocks map[string]*Block) {
	for _, b := range blocks {
		completeAttributeTypes(b.Attributes)
		completeBlockTypes(b.Blocks)
	}
}

func completeAttributeTypes(attrs map[string]*Attribute) {
	for _, a := range attrs {
		if len(a.Attributes) > 0 {
			completeAttributeTypes(a.Attributes)
			if a.Type == "" {
				a.Type = nestedType(a)
			}
		}
		if a.Type == "" && !strings.Contains(a.Note, untypedNote) {
			a.Note = joinNote(a.Note, untypedNote)
		}
	}
}

func nestedType(a *Attribute) string {
	names := make([]string, 0, len(a.Attributes))
	for name := range a.Attributes {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, name := range names {
		t := a.Attributes[name].Type
		if t == "" {
			return ""
		}
		parts = append(parts, name+"="+t)
	}
	object := "object({" + strings.Join(parts, ",") + "})"
	switch a.Nesting {
	case "list", "set", "map":
		return a.Nesting + "(" + object + ")"
	case "single", "":
		return object
	}
	return ""
}
