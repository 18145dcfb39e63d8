// Command kbgen generates the replacement knowledge base (data/terraform-providers/*.json) from a
// Terraform provider's Go source. It parses the source and evaluates the schema code abstractly;
// it never builds or runs the provider.
//
//	kbgen generate -src DIR -source ADDR -version V [-module M] [-commit C] [-tag T] [-repository R]
//	               [-module-sum H1] [-overlay FILE] [-extra IMPORTPATH=DIR]... [-constants FILE]
//	               [-o FILE] [-allow-overlay-problems]
//	kbgen regenerate -pins providers.json -name NAME [-src DIR] [-o FILE]
//	kbgen compare -generated FILE -hand FILE [-explained FILE]
//	kbgen index -dir DIR [-o FILE]
//	kbgen coverage -dir DIR [-o FILE]
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "generate":
		err = cmdGenerate(os.Args[2:])
	case "regenerate":
		err = cmdRegenerate(os.Args[2:])
	case "compare":
		err = cmdCompare(os.Args[2:])
	case "index":
		err = cmdIndex(os.Args[2:])
	case "coverage":
		err = cmdCoverage(os.Args[2:])
	case "-h", "--help", "help":
		usage()
		return
	default:
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kbgen:", err)
		var exit exitError
		if errors.As(err, &exit) {
			os.Exit(int(exit))
		}
		os.Exit(1)
	}
}

type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit %d", int(e)) }

func usage() {
	fmt.Fprintln(os.Stderr, `usage:
  kbgen generate -src DIR -source ADDR -version V [-module M] [-commit C] [-tag T] [-repository R]
                 [-module-sum H1] [-overlay FILE] [-extra IMPORTPATH=DIR]... [-constants FILE]
                 [-deps MODULE[@VERSION]]... [-o FILE] [-layout indented|lines] [-allow-overlay-problems]
  kbgen regenerate -pins providers.json -name NAME [-src DIR] [-extra IMPORTPATH=DIR]... [-o FILE]
                 [-allow-overlay-problems]
  kbgen compare -generated FILE -hand FILE [-explained FILE]
  kbgen index -dir DIR [-o FILE]
  kbgen coverage -dir DIR [-o FILE]`)
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// GenerateOptions are the inputs of one generation.
type GenerateOptions struct {
	Src       string
	Meta      Meta
	Module    string
	Overlay   string
	Extra     map[string]string
	Constants string
	// Deps are dependency modules (paths as in the source's go.mod) whose packages may be read
	// for constants and schema helpers; their source comes from `go mod download`.
	Deps []string
}

// Run loads, generates and merges the overlay; overlay problems are returned beside the file.
func Run(opts GenerateOptions) (*ProviderFile, []string, error) {
	p, err := LoadProgram(opts.Src, opts.Module, opts.Extra)
	if err != nil {
		return nil, nil, err
	}
	if len(opts.Deps) > 0 {
		versions := requiredVersions(filepath.Join(p.Root, "go.mod"))
		for _, dep := range opts.Deps {
			module, version, _ := strings.Cut(dep, "@")
			if version == "" {
				version = versions[module]
			}
			if version == "" {
				return nil, nil, fmt.Errorf("-deps %s: not required by %s/go.mod; give module@version", module, p.Root)
			}
			dir, err := DownloadModule(module, version, "")
			if err != nil {
				return nil, nil, err
			}
			p.AddDependency(module, dir)
		}
	}
	if opts.Constants != "" {
		data, err := os.ReadFile(opts.Constants)
		if err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal(data, &p.Constants); err != nil {
			return nil, nil, fmt.Errorf("%s: %v (want an object of \"importpath.Name\": \"value\")", opts.Constants, err)
		}
	}
	if opts.Meta.Module == "" {
		opts.Meta.Module = p.ModulePath
	}
	pf, err := Generate(p, opts.Meta)
	if err != nil {
		return nil, nil, err
	}
	var problems []string
	if opts.Overlay != "" {
		ov, err := LoadOverlay(opts.Overlay)
		if err != nil {
			return nil, nil, err
		}
		problems = ov.Apply(pf)
		pf.GeneratedBy += " + overlay " + filepath.Base(opts.Overlay)
		pf.Coverage.Overlay = problems
		pf.fillCoverage()
	}
	return pf, problems, nil
}

func reportCoverage(pf *ProviderFile) {
	c := pf.Coverage
	fmt.Fprintf(os.Stderr, "kbgen: %s %s: %d resources, %d aliases, %d force-new paths (%d conditional), %d resource-level conditional replacements\n", pf.Provider.Source, pf.Provider.Version, c.Resources, c.Aliases, c.ForceNewPaths, c.Conditional, c.ConditionalReplacements)
	for _, fe := range c.FileErrors {
		fmt.Fprintf(os.Stderr, "kbgen: could not parse %s: %s\n", fe.File, fe.Error)
	}
	for _, u := range c.CouldNotRead {
		fmt.Fprintf(os.Stderr, "kbgen: could not read %s: %s\n", u.Resource, u.Why)
	}
	if n := len(c.Unread); n > 0 {
		fmt.Fprintf(os.Stderr, "kbgen: %d attributes not read (listed in coverage.unreadAttributes)\n", n)
	}
	for _, p := range c.Overlay {
		fmt.Fprintf(os.Stderr, "kbgen: overlay: %s\n", p)
	}
}

func cmdGenerate(args []string) error {
	fs := flag.NewFlagSet("generate", flag.ExitOnError)
	var opts GenerateOptions
	var extra multiFlag
	out := fs.String("o", "-", "output file (- for stdout)")
	allow := fs.Bool("allow-overlay-problems", false, "write the file even when overlay entries no longer apply")
	layout := fs.String("layout", layoutIndented, "output layout: indented, or lines (compact, one resource type per line, for big providers)")
	fs.StringVar(&opts.Src, "src", "", "provider source directory (a module root, or the one-declaration-per-file index layout)")
	fs.StringVar(&opts.Module, "module", "", "Go module path of the source (default: from its go.mod)")
	fs.StringVar(&opts.Meta.Source, "source", "", "provider source address, e.g. registry.terraform.io/hashicorp/local")
	fs.StringVar(&opts.Meta.Version, "version", "", "provider version the source is (no v)")
	fs.StringVar(&opts.Meta.Commit, "commit", "", "commit the source was read at")
	fs.StringVar(&opts.Meta.Tag, "tag", "", "release tag")
	fs.StringVar(&opts.Meta.Repository, "repository", "", "repository, for humans")
	fs.StringVar(&opts.Meta.SourceRepository, "source-repository", "", "where the source was read, when not the provider's repository")
	fs.StringVar(&opts.Meta.SourceCommit, "source-commit", "", "the commit of -source-repository the source was read at")
	fs.StringVar(&opts.Meta.ModuleSum, "module-sum", "", "h1: checksum of the module zip, when no commit is known")
	fs.StringVar(&opts.Overlay, "overlay", "", "overlay file of human-established facts to merge")
	fs.StringVar(&opts.Constants, "constants", "", `JSON object of constants outside the source, {"importpath.Name": "value"}`)
	fs.Var(&extra, "extra", "IMPORTPATH=DIR: read DIR's Go files as that package (e.g. a constants package the source directory lacks)")
	var deps multiFlag
	fs.Var(&deps, "deps", "MODULE[@VERSION]: also read that dependency module's packages when the source uses them (version from the source's go.mod; fetched with go mod download)")
	_ = fs.Parse(args)
	if opts.Src == "" || opts.Meta.Source == "" || opts.Meta.Version == "" {
		return errors.New("generate needs -src, -source and -version")
	}
	opts.Deps = deps
	opts.Extra = map[string]string{}
	for _, e := range extra {
		k, v, ok := strings.Cut(e, "=")
		if !ok {
			return fmt.Errorf("-extra %q: want IMPORTPATH=DIR", e)
		}
		opts.Extra[k] = v
	}
	return generateAndWrite(opts, *out, *layout, *allow)
}

func generateAndWrite(opts GenerateOptions, out, layout string, allow bool) error {
	if err := checkLayout(layout); err != nil {
		return err
	}
	pf, problems, err := Run(opts)
	if err != nil {
		return err
	}
	reportCoverage(pf)
	if len(problems) > 0 && !allow {
		return fmt.Errorf("%d overlay entries no longer apply (see above); fix the overlay or pass -allow-overlay-problems", len(problems))
	}
	data, err := marshalProviderFile(pf, layout)
	if err != nil {
		return err
	}
	return writeOutput(out, data)
}

func cmdRegenerate(args []string) error {
	fs := flag.NewFlagSet("regenerate", flag.ExitOnError)
	pinsPath := fs.String("pins", "providers.json", "pinned providers")
	name := fs.String("name", "", "provider name in the pins file")
	src := fs.String("src", "", "source directory (default: the pinned module version from the Go module proxy)")
	out := fs.String("o", "-", "output file (- for stdout)")
	allow := fs.Bool("allow-overlay-problems", false, "write the file even when overlay entries no longer apply")
	var extra multiFlag
	fs.Var(&extra, "extra", "IMPORTPATH=DIR for each of the pin's extraPackages")
	_ = fs.Parse(args)
	pins, err := LoadPins(*pinsPath)
	if err != nil {
		return err
	}
	pin, err := pins.find(*name)
	if err != nil {
		return err
	}
	dir := *src
	if dir == "" {
		if pin.ModuleVersion == "" {
			return fmt.Errorf("%s: the Go module proxy does not serve the pinned commit; give its source with -src", pin.Name)
		}
		if dir, err = DownloadModule(pin.Module, pin.ModuleVersion, pin.ZipSum); err != nil {
			return err
		}
	}
	opts := GenerateOptions{Src: dir, Meta: pin.Meta(), Module: pin.Module, Deps: pin.Deps, Extra: map[string]string{}}
	for _, e := range extra {
		k, v, ok := strings.Cut(e, "=")
		if !ok {
			return fmt.Errorf("-extra %q: want IMPORTPATH=DIR", e)
		}
		opts.Extra[k] = v
	}
	for _, want := range pin.ExtraPackages {
		if opts.Extra[want] == "" {
			return fmt.Errorf("%s: the source lacks package %s; give its directory with -extra %s=DIR", pin.Name, want, want)
		}
	}
	if pin.Overlay != "" {
		opts.Overlay = filepath.Join(filepath.Dir(*pinsPath), pin.Overlay)
	}
	return generateAndWrite(opts, *out, pin.Layout, *allow)
}

func cmdCompare(args []string) error {
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	gen := fs.String("generated", "", "generated file")
	hand := fs.String("hand", "", "hand-made file")
	explained := fs.String("explained", "", "known differences with their reasons")
	_ = fs.Parse(args)
	a, err := readJSONFile(*gen)
	if err != nil {
		return err
	}
	b, err := readJSONFile(*hand)
	if err != nil {
		return err
	}
	diffs := Diff(a, b)
	if *explained == "" {
		for _, d := range diffs {
			fmt.Println(formatDifference(d))
		}
		if len(diffs) > 0 {
			return exitError(1)
		}
		return nil
	}
	ex, err := LoadExplained(*explained)
	if err != nil {
		return err
	}
	unexplained, stale := CheckExplained(diffs, ex)
	for _, d := range unexplained {
		fmt.Println("unexplained:", formatDifference(d))
	}
	for _, d := range stale {
		fmt.Println("stale explanation:", formatDifference(d))
	}
	fmt.Printf("%d differences, %d explained, %d unexplained, %d stale explanations\n", len(diffs), len(diffs)-len(unexplained), len(unexplained), len(stale))
	if len(unexplained)+len(stale) > 0 {
		return exitError(1)
	}
	return nil
}

func cmdIndex(args []string) error {
	fs := flag.NewFlagSet("index", flag.ExitOnError)
	dir := fs.String("dir", "", "directory of provider files")
	out := fs.String("o", "", "output file (default: DIR/index.json)")
	_ = fs.Parse(args)
	if *dir == "" {
		return errors.New("index needs -dir")
	}
	idx, err := BuildIndex(*dir)
	if err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join(*dir, "index.json")
	}
	return writeJSON(*out, idx)
}

func cmdCoverage(args []string) error {
	fs := flag.NewFlagSet("coverage", flag.ExitOnError)
	dir := fs.String("dir", "", "directory of provider files")
	out := fs.String("o", "", "output file (default: standard output)")
	_ = fs.Parse(args)
	if *dir == "" {
		return errors.New("coverage needs -dir")
	}
	report, err := CoverageReport(*dir)
	if err != nil {
		return err
	}
	if *out == "" || *out == "-" {
		_, err = os.Stdout.WriteString(report)
		return err
	}
	return os.WriteFile(*out, []byte(report), 0o644)
}
