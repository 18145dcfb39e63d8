package main

// Finding the resources a provider registers, in the three shapes providers use:
//   - SDKv2: a function returning *schema.Provider whose ResourcesMap maps type names to resources;
//   - framework: a provider's Resources method returning constructors, each resource's Metadata
//     naming its type (req.ProviderTypeName + "_x");
//   - service packages (aws): SDKResources / FrameworkResources methods returning records with a
//     Factory and a TypeName.
// Then each resource's schema is evaluated and turned into knowledge.

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/constant"
	"sort"
	"strings"
)

// Meta is what the caller knows about the source: the generator does not care how it was obtained.
type Meta struct {
	Source     string
	Version    string
	Module     string
	Commit     string
	ModuleSum  string
	Tag        string
	Repository string
	// SourceRepository and SourceCommit: where the source was read, when not the provider's repository.
	SourceRepository string
	SourceCommit     string
}

type registration struct {
	typeName string
	sdk      string
	// value is the evaluated *schema.Resource (SDKv2) or the resource object (framework).
	value Value
	// factory identifies the constructor, to tell aliases apart from look-alikes: the same literal
	// built by the same function with the same arguments (see Object.Origin).
	factory string
	where   string
	// regionOverride: an aws-style record whose Region enables the per-resource region override;
	// the provider then injects a top-level `region` argument into the schema at run time.
	regionOverride bool
}

type generation struct {
	p     *Program
	in    *interp
	meta  Meta
	regs  map[string]*registration
	order []string
	cov   Coverage
	// registries: registration functions found, even those that register nothing (a provider of
	// data sources only), so that an empty provider is told apart from source without a provider
	registries int
}

// Generate reads the program's resources into a provider file.
func Generate(p *Program, meta Meta) (*ProviderFile, error) {
	g := &generation{p: p, in: p.newInterp(), meta: meta, regs: map[string]*registration{}}
	g.discover()
	if len(g.regs) == 0 && len(g.cov.CouldNotRead) == 0 && g.registries == 0 {
		return nil, fmt.Errorf("no resource registrations found under %s (looked for functions returning *schema.Provider, Resources methods returning resource constructors, and SDKResources/FrameworkResources methods)", p.Root)
	}
	pf := &ProviderFile{
		FormatVersion: formatVersion,
		Provider:      ProviderMeta{Source: meta.Source, Version: meta.Version, Module: meta.Module, Commit: meta.Commit, ModuleSum: meta.ModuleSum, Tag: meta.Tag, Repository: meta.Repository, SourceRepository: meta.SourceRepository, SourceCommit: meta.SourceCommit},
		GeneratedBy:   generatorName,
		Resources:     map[string]*Resource{},
	}
	if pf.Provider.Module == "" {
		pf.Provider.Module = p.ModulePath
	}
	sdks := map[string]int{}
	nodes := map[string][]string{}
	for _, name := range g.order {
		reg := g.regs[name]
		r, err := g.resource(reg)
		if err != nil {
			g.cov.CouldNotRead = append(g.cov.CouldNotRead, Unread{Resource: name, Why: err.Error()})
			continue
		}
		r.SDK = reg.sdk
		if reg.regionOverride {
			injectRegion(r)
		}
		sdks[reg.sdk]++
		pf.Resources[name] = r
		if reg.factory != "" {
			nodes[reg.factory] = append(nodes[reg.factory], name)
		}
	}
	switch {
	case sdks["sdkv2"] > 0:
		pf.Provider.SDK = "sdkv2"
	default:
		pf.Provider.SDK = "framework"
	}
	for _, r := range pf.Resources {
		if r.SDK == pf.Provider.SDK {
			r.SDK = ""
		}
	}
	pf.Aliases = findAliases(pf.Resources, nodes)
	for alias := range pf.Aliases {
		delete(pf.Resources, alias)
	}
	for _, fe := range p.FileErrors {
		g.cov.FileErrors = append(g.cov.FileErrors, fe)
	}
	pf.completeTypes()
	pf.Coverage = &g.cov
	pf.fillCoverage()
	return pf, nil
}

func (g *generation) register(reg *registration) {
	if reg.typeName == "" {
		return
	}
	if _, seen := g.regs[reg.typeName]; seen {
		return
	}
	g.regs[reg.typeName] = reg
	g.order = append(g.order, reg.typeName)
}

// providerTypeName is the provider's local name, the prefix of its resource types.
func (g *generation) providerTypeName() string {
	parts := strings.Split(g.meta.Source, "/")
	return parts[len(parts)-1]
}

func sortedPackages(p *Program) []*Package {
	pkgs := make([]*Package, 0, len(p.Packages))
	for _, pkg := range p.Packages {
		pkgs = append(pkgs, pkg)
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].Path < pkgs[j].Path })
	return pkgs
}

func sortedDeclNames[T any](m map[string]T) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (g *generation) discover() {
	// Providers that register their resources from init functions into a package-level registry
	// (google) need those to have run, as at program start.
	for _, pkg := range sortedPackages(g.p) {
		for _, d := range pkg.Inits {
			g.run(pkg.Path+" init", func() Value {
				return g.in.callFunc(&Func{Decl: d.Func, File: d.File, Name: "init"}, nil, false)
			})
		}
	}
	for _, pkg := range sortedPackages(g.p) {
		for _, name := range sortedDeclNames(pkg.Decls) {
			d := pkg.Decls[name]
			if d.Kind == DeclFunc && g.returnsSDKProvider(d) {
				g.sdkProvider(d)
			}
		}
		for _, recv := range sortedDeclNames(pkg.Methods) {
			methods := pkg.Methods[recv]
			recvType := typeID{Path: pkg.Path, Name: recv}
			if m := methods["Resources"]; m != nil && returnsSliceOfFuncs(m.Func) {
				g.frameworkProvider(recvType, m, methods["Metadata"])
			}
			for _, kind := range []string{"SDKResources", "FrameworkResources"} {
				if m := methods[kind]; m != nil {
					g.servicePackage(recvType, m, kind)
				}
			}
		}
	}
}

// returnsSDKProvider: the function returns a *schema.Provider, or builds one to return as an
// interface (terraform.ResourceProvider in SDK v1 providers).
func (g *generation) returnsSDKProvider(d *Decl) bool {
	res := d.Func.Type.Results
	if res == nil || len(res.List) == 0 || d.Func.Body == nil {
		return false
	}
	if id, ok := g.p.namedTypeOf(res.List[0].Type, d.File); ok && id.isSDK("Provider") {
		return true
	}
	found := false
	ast.Inspect(d.Func.Body, func(n ast.Node) bool {
		if lit, ok := n.(*ast.CompositeLit); ok && lit.Type != nil {
			if id, ok := g.p.namedTypeOf(lit.Type, d.File); ok && id.isSDK("Provider") {
				found = true
			}
		}
		return !found
	})
	return found
}

func returnsSliceOfFuncs(fd *ast.FuncDecl) bool {
	res := fd.Type.Results
	if res == nil || len(res.List) != 1 {
		return false
	}
	arr, ok := res.List[0].Type.(*ast.ArrayType)
	if !ok {
		return false
	}
	_, ok = arr.Elt.(*ast.FuncType)
	return ok
}

func unknownArgs(ft *ast.FuncType) []Value {
	var args []Value
	for _, f := range ft.Params.List {
		for range max(len(f.Names), 1) {
			args = append(args, Unknown{Why: "argument"})
		}
	}
	return args
}

func (g *generation) run(what string, fn func() Value) Value {
	v, err := g.in.callSafely(fn)
	if err != nil {
		g.cov.CouldNotRead = append(g.cov.CouldNotRead, Unread{Resource: "(" + what + ")", Why: err.Error()})
		return Unknown{Why: err.Error()}
	}
	return v
}

func (g *generation) sdkProvider(d *Decl) {
	v := g.run(d.Name, func() Value {
		return g.in.callFunc(&Func{Decl: d.Func, File: d.File, Name: d.Name}, unknownArgs(d.Func.Type), false)
	})
	if t, ok := v.(Tuple); ok && len(t) > 0 {
		v = t[0]
	}
	prov, ok := settled(v).(*Object)
	if !ok || !prov.T.isSDK("Provider") {
		return
	}
	rm, ok := settled(prov.Fields["ResourcesMap"]).(*Map)
	if !ok {
		if _, set := prov.Fields["ResourcesMap"]; set {
			g.cov.CouldNotRead = append(g.cov.CouldNotRead, Unread{Resource: "(" + d.Name + " ResourcesMap)", Why: whyUnknown(prov.Fields["ResourcesMap"])})
		}
		return
	}
	for _, why := range rm.Unread {
		g.cov.CouldNotRead = append(g.cov.CouldNotRead, Unread{Resource: "(" + d.Name + " ResourcesMap)", Why: why})
	}
	for _, name := range rm.Keys {
		val := rm.Vals[name]
		factory := ""
		if o, ok := settled(val).(*Object); ok && o.Node != nil {
			factory = fmt.Sprintf("%p %s", o.Node, o.Origin)
		}
		g.register(&registration{typeName: name, sdk: "sdkv2", value: val, factory: factory, where: d.Name})
	}
}

func (g *generation) frameworkProvider(recv typeID, resources, metadata *Decl) {
	g.registries++
	prov := &Object{T: recv, Fields: map[string]Value{}}
	typeName := g.providerTypeName()
	if metadata != nil {
		resp := &Object{T: typeID{Name: "MetadataResponse"}, Fields: map[string]Value{}}
		g.run(recv.Name+".Metadata", func() Value {
			return g.in.callFunc(&Func{Decl: metadata.Func, File: metadata.File, Recv: prov}, []Value{Unknown{Why: "ctx"}, &Object{Fields: map[string]Value{}}, resp}, false)
		})
		if s, ok := constString(resp.Fields["TypeName"]); ok && s != "" {
			typeName = s
		}
	}
	v := g.run(recv.Name+".Resources", func() Value {
		return g.in.callFunc(&Func{Decl: resources.Func, File: resources.File, Recv: prov}, []Value{Unknown{Why: "ctx"}}, false)
	})
	if _, none := settled(v).(Nil); none {
		return // a provider of data sources only (http, external): `return nil` registers no resource
	}
	list, ok := settled(v).(*Slice)
	if !ok {
		g.cov.CouldNotRead = append(g.cov.CouldNotRead, Unread{Resource: "(" + recv.Name + ".Resources)", Why: whyUnknown(v)})
		return
	}
	for i, item := range list.Items {
		ctor, ok := settled(item).(*Func)
		if !ok {
			g.cov.CouldNotRead = append(g.cov.CouldNotRead, Unread{Resource: "(" + recv.Name + ".Resources item " + fmt.Sprint(i) + ")", Why: whyUnknown(item)})
			continue
		}
		obj := g.construct(ctor, nil)
		if obj == nil {
			g.cov.CouldNotRead = append(g.cov.CouldNotRead, Unread{Resource: "(" + ctor.Name + ")", Why: "the constructor does not return a resource value the generator can read"})
			continue
		}
		name := g.frameworkTypeName(obj, typeName)
		if name == "" {
			g.cov.CouldNotRead = append(g.cov.CouldNotRead, Unread{Resource: "(" + ctor.Name + ")", Why: "Metadata does not set a constant TypeName"})
			continue
		}
		g.register(&registration{typeName: name, sdk: "framework", value: obj, factory: ctorNode(ctor), where: recv.Name + ".Resources"})
	}
}

// ctorNode identifies a constructor function (one without arguments that matter).
func ctorNode(f *Func) string {
	if f.Decl != nil {
		return fmt.Sprintf("%p", f.Decl)
	}
	return fmt.Sprintf("%p", f.Lit)
}

// construct calls a resource constructor and returns the resource object it makes.
func (g *generation) construct(ctor *Func, args []Value) *Object {
	if args == nil {
		var ft *ast.FuncType
		if ctor.Decl != nil {
			ft = ctor.Decl.Type
		} else if ctor.Lit != nil {
			ft = ctor.Lit.Type
		}
		if ft != nil {
			args = unknownArgs(ft)
		}
	}
	v := g.run(ctor.Name, func() Value { return g.in.callFunc(ctor, args, false) })
	if t, ok := v.(Tuple); ok && len(t) > 0 {
		v = t[0]
	}
	obj, ok := settled(v).(*Object)
	if !ok {
		return nil
	}
	return obj
}

func (g *generation) frameworkTypeName(obj *Object, providerTypeName string) string {
	m := g.p.method(obj.T, "Metadata", 0)
	if m == nil {
		return ""
	}
	req := &Object{Fields: map[string]Value{"ProviderTypeName": Const{V: constant.MakeString(providerTypeName)}}}
	resp := &Object{T: typeID{Name: "MetadataResponse"}, Fields: map[string]Value{}}
	g.run(obj.T.Name+".Metadata", func() Value {
		return g.in.callFunc(&Func{Decl: m.Func, File: m.File, Recv: obj}, []Value{Unknown{Why: "ctx"}, req, resp}, false)
	})
	s, _ := constString(resp.Fields["TypeName"])
	return s
}

// servicePackage reads an aws-style registration list: records with Factory and TypeName.
func (g *generation) servicePackage(recv typeID, m *Decl, kind string) {
	v := g.run(recv.Path+"."+kind, func() Value {
		return g.in.callFunc(&Func{Decl: m.Func, File: m.File, Recv: &Object{T: recv, Fields: map[string]Value{}}}, []Value{Unknown{Why: "ctx"}}, false)
	})
	list, ok := settled(v).(*Slice)
	if !ok {
		g.cov.CouldNotRead = append(g.cov.CouldNotRead, Unread{Resource: "(" + shortPath(recv.Path) + "." + kind + ")", Why: whyUnknown(v)})
		return
	}
	for _, item := range list.Items {
		rec, ok := settled(item).(*Object)
		if !ok {
			continue
		}
		name, ok := constString(rec.Fields["TypeName"])
		if !ok {
			g.cov.CouldNotRead = append(g.cov.CouldNotRead, Unread{Resource: "(" + shortPath(recv.Path) + "." + kind + ")", Why: "TypeName " + whyUnknown(rec.Fields["TypeName"])})
			continue
		}
		factory, ok := settled(rec.Fields["Factory"]).(*Func)
		if !ok {
			g.cov.CouldNotRead = append(g.cov.CouldNotRead, Unread{Resource: name, Why: "Factory " + whyUnknown(rec.Fields["Factory"])})
			continue
		}
		reg := &registration{typeName: name, factory: ctorNode(factory), where: recv.Path + "." + kind, regionOverride: regionOverrideEnabled(rec.Fields["Region"])}
		if kind == "SDKResources" {
			reg.sdk = "sdkv2"
			reg.value = g.run(name, func() Value { return g.in.callFunc(factory, nil, false) })
		} else {
			reg.sdk = "framework"
			if obj := g.construct(factory, nil); obj != nil {
				reg.value = obj
			} else {
				reg.value = Unknown{Why: "the factory does not return a resource value the generator can read"}
			}
		}
		g.register(reg)
	}
}

// regionOverrideEnabled reads a record's Region: unique.Make(ServicePackageResourceRegion{
// IsOverrideEnabled: true, …}) as the source's helpers (ResourceRegionDefault) build it. Anything
// else (no Region, ResourceRegionDisabled, a value not evaluated) is no override.
func regionOverrideEnabled(v Value) bool {
	c, ok := settled(v).(ExtCall)
	if !ok || c.Fn.Path != "unique" || c.Fn.Name != "Make" || len(c.Args) != 1 {
		return false
	}
	o, ok := settled(c.Args[0]).(*Object)
	if !ok {
		return false
	}
	b, ok := settled(o.Fields["IsOverrideEnabled"]).(Const)
	return ok && b.V.Kind() == constant.Bool && constant.BoolVal(b.V)
}

// injectRegion adds the `region` argument the aws provider's wrapper injects into a regional
// resource (unless the schema has its own). Its interceptors (SDKv2 forceNewIfRegionChanges,
// framework resourceForceNewIfRegionChanges) replace the resource when the region changes, except
// between unset and the provider's region: the same region either way. The attribute itself is not
// ForceNew because state written before the argument existed (provider v5) has no region.
func injectRegion(r *Resource) {
	if _, ok := r.Attributes["region"]; ok {
		return
	}
	if _, ok := r.Blocks["region"]; ok {
		return
	}
	r.Attributes["region"] = &Attribute{
		Replace:   "conditional",
		Condition: "the provider's region interceptor (forceNewIfRegionChanges) replaces when region changes, except from unset to the provider's region or back",
		Note:      "Injected by the provider into every regional resource; left unset it is the provider's region.",
		Optional:  true,
		Computed:  true,
		Type:      "string",
		Source:    "injected by the provider (Region: IsOverrideEnabled in the service package's registration)",
	}
}

// resource evaluates one registration's schema into knowledge.
func (g *generation) resource(reg *registration) (r *Resource, err error) {
	x := &extractor{p: g.p, in: g.in, resource: reg.typeName}
	defer func() {
		g.cov.Unread = append(g.cov.Unread, x.unread...)
	}()
	_, runErr := g.in.callSafely(func() Value {
		switch reg.sdk {
		case "sdkv2":
			o, ok := settled(reg.value).(*Object)
			if !ok || !o.T.isSDK("Resource") {
				err = fmt.Errorf("not a *schema.Resource the generator can read: %s", whyUnknown(reg.value))
				return nil
			}
			r, err = x.sdkResource(o)
			if r != nil && o.File != nil {
				r.SourceFile = o.File.RelPath
			}
		default:
			obj, ok := settled(reg.value).(*Object)
			if !ok {
				err = fmt.Errorf("resource value: %s", whyUnknown(reg.value))
				return nil
			}
			m := g.p.method(obj.T, "Schema", 0)
			if m == nil {
				err = fmt.Errorf("type %s has no Schema method in the source", obj.T.Name)
				return nil
			}
			resp := &Object{T: typeID{Name: "SchemaResponse"}, Fields: map[string]Value{}}
			g.in.callFunc(&Func{Decl: m.Func, File: m.File, Recv: obj}, []Value{Unknown{Why: "ctx"}, &Object{Fields: map[string]Value{}}, resp}, false)
			s, ok := settled(resp.Fields["Schema"]).(*Object)
			if !ok || !s.T.isFrameworkSchema() {
				err = fmt.Errorf("Schema does not set a resource schema the generator can read: %s", whyUnknown(resp.Fields["Schema"]))
				return nil
			}
			r, err = x.frameworkResource(s)
			if r != nil {
				r.SourceFile = m.File.RelPath
				x.modifyPlan(obj, r)
			}
		}
		return nil
	})
	if runErr != nil {
		return nil, runErr
	}
	return r, err
}

// findAliases groups resources registered from the same constructor or literal whose knowledge
// is identical; one name of each group is kept, the others become aliases of it.
func findAliases(resources map[string]*Resource, nodes map[string][]string) map[string]string {
	aliases := map[string]string{}
	for _, names := range nodes {
		if len(names) < 2 {
			continue
		}
		groups := map[string][]string{}
		for _, n := range names {
			b, _ := json.Marshal(resources[n])
			groups[string(b)] = append(groups[string(b)], n)
		}
		for _, group := range groups {
			if len(group) < 2 {
				continue
			}
			sort.Slice(group, func(i, j int) bool {
				if len(group[i]) != len(group[j]) {
					return len(group[i]) < len(group[j])
				}
				return group[i] < group[j]
			})
			for _, alias := range group[1:] {
				aliases[alias] = group[0]
			}
		}
	}
	if len(aliases) == 0 {
		return nil
	}
	return aliases
}
