package main

// Reading a provider's Go source into parsed packages, without building it and without its
// dependencies: only the files under the source directory are read. Identifiers that lead outside
// the directory stay symbolic (import path + name), which is all the generator needs to recognise
// the SDK's and the framework's functions.

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Program is every package found under one source directory (plus any extra package directories).
type Program struct {
	ModulePath string
	Root       string
	Fset       *token.FileSet
	Packages   map[string]*Package // import path → package
	// FileErrors lists files that could not be read or parsed; the rest of the program is still used.
	FileErrors []FileError
	// Constants are values of identifiers outside the source directory, keyed "importpath.Name".
	Constants map[string]string

	varCache map[*ast.Ident]*varCell
	stats    evalStats
	// deps maps a dependency module path to its source directory; its packages are read on first use.
	deps     map[string]string
	depTried map[string]bool
}

type FileError struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

type Package struct {
	Path  string
	Name  string
	Files []*File
	// Decls holds the package-level functions, variables, constants and types by name.
	Decls map[string]*Decl
	// Methods holds methods by receiver type name and method name.
	Methods map[string]map[string]*Decl
	// Inits are the package's init functions, in file order.
	Inits []*Decl
}

type File struct {
	Pkg     *Package
	AST     *ast.File
	RelPath string
	// Imports maps the name a file uses for an import to the import path.
	Imports map[string]string
}

type DeclKind int

const (
	DeclFunc DeclKind = iota
	DeclVar
	DeclConst
	DeclType
)

type Decl struct {
	Kind  DeclKind
	Name  string
	File  *File
	Func  *ast.FuncDecl
	Spec  *ast.ValueSpec // var and const
	Index int            // position of Name in Spec.Names
	Iota  int
	Type  *ast.TypeSpec
}

// declIndexPackage matches the package clause of the "one declaration per file" layout, which names
// the package by its import path ("package github.com/org/repo/internal/x") instead of its name.
var declIndexPackage = regexp.MustCompile(`(?m)^package\s+([A-Za-z0-9_.\-~]+(?:/[A-Za-z0-9_.\-~]+)+)\s*$`)

// LoadProgram reads every Go file under root. modulePath overrides the module path of root/go.mod
// (needed when root has no go.mod). A file that cannot be parsed is recorded in FileErrors and
// skipped; the packages it belongs to are still loaded from their other files.
func LoadProgram(root, modulePath string, extra map[string]string) (*Program, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("source directory %s: not a directory", root)
	}
	if modulePath == "" {
		modulePath = readModulePath(filepath.Join(abs, "go.mod"))
	}
	if modulePath == "" {
		return nil, fmt.Errorf("source directory %s has no go.mod; give the module path with -module", root)
	}
	p := &Program{ModulePath: modulePath, Root: abs, Fset: token.NewFileSet(), Packages: map[string]*Package{}, Constants: map[string]string{}, varCache: map[*ast.Ident]*varCell{}}
	if err := p.loadTree(abs, abs, modulePath, false); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, importPath := range keys {
		dir, err := filepath.Abs(extra[importPath])
		if err != nil {
			return nil, err
		}
		if err := p.loadTree(dir, dir, importPath, true); err != nil {
			return nil, err
		}
	}
	for _, pkg := range p.Packages {
		pkg.index()
	}
	return p, nil
}

func readModulePath(goMod string) string {
	data, err := os.ReadFile(goMod)
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

func (p *Program) loadTree(dir, base, basePath string, flat bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		full := filepath.Join(dir, name)
		if e.IsDir() {
			if flat || name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				continue
			}
			// A nested module is another program, not part of this one.
			if _, err := os.Stat(filepath.Join(full, "go.mod")); err == nil && full != base {
				continue
			}
			if err := p.loadTree(full, base, basePath, flat); err != nil {
				return err
			}
			continue
		}
		if !(strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".goindex")) || strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "_test.goindex") {
			continue
		}
		if !fileNameMatchesPlatform(strings.TrimSuffix(strings.TrimSuffix(name, ".go"), ".goindex")) {
			continue
		}
		rel, _ := filepath.Rel(p.Root, full)
		if strings.HasPrefix(rel, "..") {
			rel = full
		}
		p.loadFile(full, filepath.ToSlash(rel), dir, base, basePath)
	}
	return nil
}

func (p *Program) loadFile(full, rel, dir, base, basePath string) {
	src, err := os.ReadFile(full)
	if err != nil {
		p.FileErrors = append(p.FileErrors, FileError{File: rel, Error: err.Error()})
		return
	}
	if !buildConstraintsMatch(src) {
		return
	}
	importPath := ""
	if m := declIndexPackage.FindSubmatchIndex(src); m != nil {
		importPath = string(src[m[2]:m[3]])
		name := path.Base(importPath)
		fixed := make([]byte, 0, len(src))
		fixed = append(fixed, src[:m[0]]...)
		fixed = append(fixed, "package "+goIdent(name)...)
		fixed = append(fixed, src[m[1]:]...)
		src = fixed
	}
	f, err := parser.ParseFile(p.Fset, rel, src, parser.SkipObjectResolution)
	if err != nil && importPath != "" {
		// The index layout keeps a spec from a grouped declaration (var ( … ), const ( … )) without
		// its keyword; the file name says which it was.
		if kw := specKeyword(filepath.Base(full)); kw != "" {
			if wrapped := wrapSpec(src, kw); wrapped != nil {
				if f2, err2 := parser.ParseFile(p.Fset, rel, wrapped, parser.SkipObjectResolution); err2 == nil {
					f, err = f2, nil
				}
			}
		}
	}
	if err != nil {
		msg := firstLine(err.Error())
		if importPath != "" && isBareNames(src) {
			// `X` alone, or `X // comment`: a constant after the first of a const ( … iota … )
			// group. Its value is its position in the group, which the index layout does not keep.
			msg = "an iota continuation without a value (its position in the const group, and so its value, is not in the index layout; uses stay unknown): " + msg
		}
		p.FileErrors = append(p.FileErrors, FileError{File: rel, Error: msg})
		return
	}
	if f.Name.Name == "main" && importPath == "" {
		// The provider's main package only serves the plugin; schemas are never declared there.
		return
	}
	if importPath == "" {
		relDir, _ := filepath.Rel(base, dir)
		importPath = basePath
		if relDir != "." {
			importPath = basePath + "/" + filepath.ToSlash(relDir)
		}
	}
	pkg := p.Packages[importPath]
	if pkg == nil {
		pkg = &Package{Path: importPath, Name: f.Name.Name, Decls: map[string]*Decl{}, Methods: map[string]map[string]*Decl{}}
		p.Packages[importPath] = pkg
	}
	file := &File{Pkg: pkg, AST: f, RelPath: rel, Imports: map[string]string{}}
	for _, imp := range f.Imports {
		ip := strings.Trim(imp.Path.Value, `"`)
		name := defaultImportName(ip)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name == "_" || name == "." {
			continue
		}
		file.Imports[name] = ip
	}
	pkg.Files = append(pkg.Files, file)
}

func specKeyword(name string) string {
	for _, kw := range []string{"var", "const", "type"} {
		if strings.HasPrefix(name, kw+".") {
			return kw
		}
	}
	return ""
}

// wrapSpec puts a bare spec after the imports into a declaration with the keyword.
func wrapSpec(src []byte, kw string) []byte {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
	if err != nil {
		return nil
	}
	end := int(f.Name.End()) - 1
	for _, d := range f.Decls {
		end = int(d.End()) - 1
	}
	if end < 0 || end > len(src) {
		return nil
	}
	out := append([]byte{}, src[:end]...)
	out = append(out, "\n"+kw+" (\n"...)
	out = append(out, src[end:]...)
	return append(out, "\n)\n"...)
}

// isBareNames says whether what follows the imports is only identifiers (and comments).
func isBareNames(src []byte) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
	if err != nil {
		return false
	}
	end := int(f.Name.End()) - 1
	for _, d := range f.Decls {
		end = int(d.End()) - 1
	}
	if end < 0 || end > len(src) {
		return false
	}
	seen := false
	for _, line := range strings.Split(string(src[end:]), "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		for _, field := range strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' }) {
			if goIdent(field) != field {
				return false
			}
			seen = true
		}
	}
	return seen
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func goIdent(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteRune('_')
		}
	}
	return b.String()
}

var majorVersion = regexp.MustCompile(`^v[0-9]+$`)

// defaultImportName is the name a package is known by when an import does not rename it. For
// packages outside the source directory the real name is unknown; by convention it is the last path
// element without a major-version element or a ".vN" suffix (gopkg.in/yaml.v3 → yaml).
func defaultImportName(importPath string) string {
	parts := strings.Split(importPath, "/")
	last := parts[len(parts)-1]
	if majorVersion.MatchString(last) && len(parts) > 1 {
		last = parts[len(parts)-2]
	}
	if i := strings.Index(last, ".v"); i > 0 {
		last = last[:i]
	}
	last = strings.TrimPrefix(last, "go-")
	return strings.ReplaceAll(last, "-", "_")
}

var knownOS = map[string]bool{"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true, "illumos": true, "ios": true, "js": true, "linux": true, "netbsd": true, "openbsd": true, "plan9": true, "solaris": true, "wasip1": true, "windows": true}
var knownArch = map[string]bool{"386": true, "amd64": true, "arm": true, "arm64": true, "loong64": true, "mips": true, "mipsle": true, "mips64": true, "mips64le": true, "ppc64": true, "ppc64le": true, "riscv64": true, "s390x": true, "wasm": true}

// fileNameMatchesPlatform applies Go's _GOOS / _GOARCH file name suffixes for linux/amd64, the
// platform the providers are released for first.
func fileNameMatchesPlatform(stem string) bool {
	parts := strings.Split(stem, "_")
	n := len(parts)
	if n >= 2 && knownArch[parts[n-1]] {
		if parts[n-1] != "amd64" {
			return false
		}
		if n >= 3 && knownOS[parts[n-2]] && parts[n-2] != "linux" {
			return false
		}
		return true
	}
	if n >= 2 && knownOS[parts[n-1]] {
		return parts[n-1] == "linux"
	}
	return true
}

// buildConstraintsMatch evaluates a //go:build line for linux/amd64 without custom tags, so files
// meant for code generation (//go:build ignore, generate) are left out like the compiler would.
func buildConstraintsMatch(src []byte) bool {
	for _, line := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "//") && !constraint.IsGoBuild(t) {
			continue
		}
		if !strings.HasPrefix(t, "//") {
			return true
		}
		expr, err := constraint.Parse(t)
		if err != nil {
			return true
		}
		return expr.Eval(func(tag string) bool {
			return tag == "linux" || tag == "amd64" || tag == "unix" || tag == "gc" || tag == "cgo" || strings.HasPrefix(tag, "go1.")
		})
	}
	return true
}

// index fills Decls and Methods from the package's files.
func (pkg *Package) index() {
	for _, f := range pkg.Files {
		for _, d := range f.AST.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					if d.Name.Name == "init" {
						pkg.Inits = append(pkg.Inits, &Decl{Kind: DeclFunc, Name: "init", File: f, Func: d})
						continue
					}
					if d.Name.Name != "_" {
						pkg.Decls[d.Name.Name] = &Decl{Kind: DeclFunc, Name: d.Name.Name, File: f, Func: d}
					}
					continue
				}
				recv := receiverTypeName(d.Recv.List[0].Type)
				if recv == "" {
					continue
				}
				if pkg.Methods[recv] == nil {
					pkg.Methods[recv] = map[string]*Decl{}
				}
				pkg.Methods[recv][d.Name.Name] = &Decl{Kind: DeclFunc, Name: d.Name.Name, File: f, Func: d}
			case *ast.GenDecl:
				pkg.indexGenDecl(f, d)
			}
		}
	}
}

func (pkg *Package) indexGenDecl(f *File, d *ast.GenDecl) {
	var lastValues []ast.Expr
	var lastType ast.Expr
	for i, spec := range d.Specs {
		switch s := spec.(type) {
		case *ast.TypeSpec:
			pkg.Decls[s.Name.Name] = &Decl{Kind: DeclType, Name: s.Name.Name, File: f, Type: s}
		case *ast.ValueSpec:
			kind := DeclVar
			if d.Tok == token.CONST {
				kind = DeclConst
				// An omitted const expression list repeats the previous one (iota sequences).
				if len(s.Values) == 0 && s.Type == nil {
					s = &ast.ValueSpec{Names: s.Names, Type: lastType, Values: lastValues}
				} else {
					lastValues, lastType = s.Values, s.Type
				}
			}
			for j, name := range s.Names {
				if name.Name == "_" {
					continue
				}
				pkg.Decls[name.Name] = &Decl{Kind: kind, Name: name.Name, File: f, Spec: s, Index: j, Iota: i}
			}
		}
	}
}

func receiverTypeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return receiverTypeName(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return receiverTypeName(t.X)
	case *ast.IndexListExpr:
		return receiverTypeName(t.X)
	}
	return ""
}

// method finds a method of a named type, also through embedded struct fields declared in the source.
func (p *Program) method(t typeID, name string, depth int) *Decl {
	pkg := p.pkg(t.Path)
	if pkg == nil || depth > 6 {
		return nil
	}
	if m := pkg.Methods[t.Name][name]; m != nil {
		return m
	}
	d := pkg.Decls[t.Name]
	if d == nil || d.Kind != DeclType {
		return nil
	}
	st, ok := d.Type.Type.(*ast.StructType)
	if !ok {
		if id, ok := p.namedTypeOf(d.Type.Type, d.File); ok && d.Type.Assign.IsValid() {
			return p.method(id, name, depth+1)
		}
		return nil
	}
	for _, field := range st.Fields.List {
		if len(field.Names) != 0 {
			continue
		}
		if id, ok := p.namedTypeOf(field.Type, d.File); ok {
			if m := p.method(id, name, depth+1); m != nil {
				return m
			}
		}
	}
	return nil
}

// hasFileErrorIn reports whether a file in f's directory could not be parsed.
func (p *Program) hasFileErrorIn(f *File) bool {
	dir := path.Dir(f.RelPath)
	for _, fe := range p.FileErrors {
		if path.Dir(fe.File) == dir {
			return true
		}
	}
	return false
}

// AddDependency makes the packages of a dependency module readable, from its source directory
// (the module cache): constants and schema helpers a provider takes from another module, such as
// azurerm's commonschema.Location(), are then evaluated like the provider's own code.
func (p *Program) AddDependency(module, dir string) {
	if p.deps == nil {
		p.deps = map[string]string{}
		p.depTried = map[string]bool{}
	}
	p.deps[module] = dir
}

// pkg returns the package with the import path, reading it from a dependency module when needed.
func (p *Program) pkg(importPath string) *Package {
	if pkg := p.Packages[importPath]; pkg != nil || p.deps == nil || p.depTried[importPath] {
		return pkg
	}
	p.depTried[importPath] = true
	best := ""
	for module := range p.deps {
		if (importPath == module || strings.HasPrefix(importPath, module+"/")) && len(module) > len(best) {
			best = module
		}
	}
	if best == "" {
		return nil
	}
	dir := filepath.Join(p.deps[best], filepath.FromSlash(strings.TrimPrefix(strings.TrimPrefix(importPath, best), "/")))
	if err := p.loadTree(dir, dir, importPath, true); err != nil {
		return nil
	}
	pkg := p.Packages[importPath]
	if pkg != nil {
		pkg.index()
	}
	return pkg
}

// requiredVersions reads the require directives of a go.mod.
func requiredVersions(goMod string) map[string]string {
	out := map[string]string{}
	data, err := os.ReadFile(goMod)
	if err != nil {
		return out
	}
	inBlock := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.SplitN(line, "//", 2)[0])
		switch {
		case line == "require (":
			inBlock = true
			continue
		case inBlock && line == ")":
			inBlock = false
			continue
		}
		if rest, ok := strings.CutPrefix(line, "require "); ok {
			line = rest
		} else if !inBlock {
			continue
		}
		if f := strings.Fields(line); len(f) >= 2 {
			out[f[0]] = f[1]
		}
	}
	return out
}

// fieldType finds the declared type of a named field of a struct type declared in the source.
func (p *Program) fieldType(t typeID, name string) (ast.Expr, *File) {
	pkg := p.pkg(t.Path)
	if pkg == nil {
		return nil, nil
	}
	d := pkg.Decls[t.Name]
	if d == nil || d.Kind != DeclType {
		return nil, nil
	}
	st, ok := d.Type.Type.(*ast.StructType)
	if !ok {
		return nil, nil
	}
	for _, field := range st.Fields.List {
		for _, n := range field.Names {
			if n.Name == name {
				return field.Type, d.File
			}
		}
	}
	return nil, nil
}

// position renders a node's position as file:line relative to the source directory.
func (p *Program) position(n ast.Node) string {
	pos := p.Fset.Position(n.Pos())
	return fmt.Sprintf("%s:%d", pos.Filename, pos.Line)
}
