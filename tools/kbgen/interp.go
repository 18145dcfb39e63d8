package main

// An abstract interpreter of the Go a provider writes its schemas in: it evaluates expressions
// and runs function bodies far enough to build the schema literals the provider would build at
// run time — helper functions returning schemas, package-level variables, maps filled or mutated
// after their literal (`s["name"].ForceNew = true`), flags computed from constants. Branches whose
// condition cannot be evaluated are both run; assignments in them become Maybe values carrying the
// condition's text, so a ForceNew set only under a run-time condition is reported as conditional.

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/printer"
	"go/token"
	"strconv"
	"strings"
)

// Env is a lexical scope.
type Env struct {
	vars   map[string]*varCell
	parent *Env
	file   *File
	frame  *frame
	// spec holds the conditions of the enclosing branches that could not be evaluated.
	spec []string
	iota int
}

type varCell struct {
	V    Value
	busy bool
	done bool
}

type frame struct {
	name   string
	origin string
	// outer holds the undecided conditions of the callers' branches this call was made in.
	outer     []string
	results   []string
	ret       []Value
	returned  bool
	candidate []Value
}

type evalStats struct {
	steps int
}

// budgetExceeded aborts the evaluation of one resource whose code does not settle in reasonable time.
type budgetExceeded struct{ where string }

const stepBudget = 3_000_000
const maxCallDepth = 48

type interp struct {
	p     *Program
	depth int
	steps int
	// noCalls evaluates without running function bodies (static evaluation of an argument).
	noCalls bool
	// watch names methods whose calls are recorded in seen with their evaluated arguments.
	watch map[string]bool
	seen  map[*ast.CallExpr][]Value
	// pendingOuter passes the caller's undecided conditions to the next callFunc.
	pendingOuter []string
	// onceDone holds the sync.Once values whose Do has run.
	onceDone map[*Object]bool
}

// conditions are the undecided conditions in force at this point, callers' included.
func (e *Env) conditions() []string {
	var out []string
	if e.frame != nil {
		out = append(out, e.frame.outer...)
	}
	return append(out, e.spec...)
}

func (p *Program) newInterp() *interp { return &interp{p: p} }

func newEnv(parent *Env, f *File) *Env {
	e := &Env{vars: map[string]*varCell{}, parent: parent, file: f}
	if parent != nil {
		e.frame = parent.frame
		e.spec = parent.spec
		e.iota = parent.iota
	}
	return e
}

func (e *Env) lookup(name string) *varCell {
	for s := e; s != nil; s = s.parent {
		if c, ok := s.vars[name]; ok {
			return c
		}
	}
	return nil
}

func (e *Env) define(name string, v Value) {
	if name == "_" {
		return
	}
	e.vars[name] = &varCell{V: v, done: true}
}

func (in *interp) tick(n ast.Node) {
	in.steps++
	if in.steps > stepBudget {
		panic(budgetExceeded{where: in.p.position(n)})
	}
}

func exprText(e ast.Node) string {
	var b strings.Builder
	_ = printer.Fprint(&b, token.NewFileSet(), e)
	return b.String()
}

// oneLine renders an expression on one line, shortened to max runes.
func oneLine(e ast.Node, max int) string {
	s := strings.Join(strings.Fields(exprText(e)), " ")
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return s
}

// ---- expressions ------------------------------------------------------------------------------

func (in *interp) eval(e ast.Expr, env *Env) Value {
	return in.evalTyped(e, env, nil)
}

// evalTyped evaluates e; want is the type an elided composite literal has.
func (in *interp) evalTyped(e ast.Expr, env *Env, want *typeRef) Value {
	if e == nil {
		return Unknown{Why: "no expression"}
	}
	in.tick(e)
	switch x := e.(type) {
	case *ast.BasicLit:
		v := constant.MakeFromLiteral(x.Value, x.Kind, 0)
		if v.Kind() == constant.Unknown {
			return Unknown{Why: "literal " + x.Value}
		}
		return Const{V: v}
	case *ast.Ident:
		return in.ident(x, env)
	case *ast.ParenExpr:
		return in.evalTyped(x.X, env, want)
	case *ast.SelectorExpr:
		return in.selector(x, env)
	case *ast.CallExpr:
		return in.call(x, env)
	case *ast.CompositeLit:
		return in.composite(x, env, want)
	case *ast.UnaryExpr:
		return in.unary(x, env, want)
	case *ast.BinaryExpr:
		return in.binary(x, env)
	case *ast.StarExpr:
		v := in.eval(x.X, env)
		if o, ok := v.(*Object); ok {
			c := &Object{T: o.T, Fields: map[string]Value{}, Node: o.Node, File: o.File}
			for k, fv := range o.Fields {
				c.Fields[k] = fv
			}
			return c
		}
		if tv, ok := v.(TypeValue); ok {
			return tv
		}
		return v
	case *ast.IndexExpr:
		return in.index(x, env)
	case *ast.IndexListExpr:
		return in.eval(x.X, env)
	case *ast.SliceExpr:
		return in.eval(x.X, env)
	case *ast.TypeAssertExpr:
		return in.eval(x.X, env)
	case *ast.FuncLit:
		name := "a function literal"
		if env.frame != nil && env.frame.name != "" {
			name += " in " + env.frame.name
		}
		return &Func{Lit: x, File: env.file, Env: env, Name: name}
	case *ast.ArrayType, *ast.MapType, *ast.FuncType, *ast.InterfaceType, *ast.StructType, *ast.ChanType:
		return TypeValue{Ref: in.p.resolveType(x, env.file)}
	case *ast.KeyValueExpr:
		return in.eval(x.Value, env)
	}
	return Unknown{Why: "expression " + oneLine(e, 60)}
}

var builtins = map[string]bool{"append": true, "len": true, "cap": true, "make": true, "new": true, "delete": true, "copy": true, "panic": true, "min": true, "max": true, "clear": true, "print": true, "println": true, "recover": true, "close": true}

var predeclaredTypes = map[string]bool{"string": true, "bool": true, "int": true, "int8": true, "int16": true, "int32": true, "int64": true, "uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "float32": true, "float64": true, "byte": true, "rune": true, "any": true, "error": true, "uintptr": true, "complex64": true, "complex128": true}

func (in *interp) ident(x *ast.Ident, env *Env) Value {
	if c := env.lookup(x.Name); c != nil {
		return c.V
	}
	if d := env.file.Pkg.Decls[x.Name]; d != nil {
		return in.decl(d)
	}
	switch x.Name {
	case "true":
		return Const{V: constant.MakeBool(true)}
	case "false":
		return Const{V: constant.MakeBool(false)}
	case "nil":
		return Nil{}
	case "iota":
		return Const{V: constant.MakeInt64(int64(env.iota))}
	}
	if builtins[x.Name] {
		return Builtin(x.Name)
	}
	if predeclaredTypes[x.Name] {
		return TypeValue{Ref: &typeRef{Kind: kindNamed, ID: typeID{Name: x.Name}}}
	}
	why := "identifier " + x.Name + " is not declared in the source read"
	if in.p.hasFileErrorIn(env.file) {
		why += " (a file of its package could not be parsed)"
	}
	return Unknown{Why: why}
}

// decl evaluates a package-level declaration. Variables are evaluated once and shared, like Go's.
func (in *interp) decl(d *Decl) Value {
	switch d.Kind {
	case DeclFunc:
		return &Func{Decl: d.Func, File: d.File, Name: d.Name}
	case DeclType:
		return TypeValue{Ref: in.p.resolveType(&ast.Ident{Name: d.Name}, d.File)}
	case DeclConst:
		return in.constDecl(d)
	case DeclVar:
		return in.varCell(d).V
	}
	return Unknown{Why: "declaration " + d.Name}
}

func (in *interp) constDecl(d *Decl) Value {
	key := d.Spec.Names[d.Index]
	if c, ok := in.p.varCache[key]; ok && c.done {
		return c.V
	}
	if c, ok := in.p.varCache[key]; ok && c.busy {
		return Unknown{Why: "constant " + d.Name + " refers to itself"}
	}
	cell := &varCell{busy: true}
	in.p.varCache[key] = cell
	env := newEnv(nil, d.File)
	env.iota = d.Iota
	var v Value = Unknown{Why: "constant " + d.Name + " has no value"}
	if d.Index < len(d.Spec.Values) {
		v = in.eval(d.Spec.Values[d.Index], env)
	}
	if c, ok := v.(Const); ok && d.Spec.Type != nil {
		if id, ok := in.p.namedTypeOf(d.Spec.Type, d.File); ok && id.Path != "" {
			c.T = id
			v = c
		}
	}
	cell.V, cell.busy, cell.done = v, false, true
	return v
}

func (in *interp) varCell(d *Decl) *varCell {
	key := d.Spec.Names[d.Index]
	if c, ok := in.p.varCache[key]; ok {
		if c.busy {
			return &varCell{V: Unknown{Why: "variable " + d.Name + " refers to itself"}}
		}
		return c
	}
	cell := &varCell{busy: true}
	in.p.varCache[key] = cell
	env := newEnv(nil, d.File)
	var v Value
	switch {
	case len(d.Spec.Values) == len(d.Spec.Names):
		var want *typeRef
		if d.Spec.Type != nil {
			want = in.p.resolveType(d.Spec.Type, d.File)
		}
		v = in.evalTyped(d.Spec.Values[d.Index], env, want)
	case len(d.Spec.Values) == 1:
		if t, ok := in.eval(d.Spec.Values[0], env).(Tuple); ok && d.Index < len(t) {
			v = t[d.Index]
		} else {
			v = Unknown{Why: "variable " + d.Name}
		}
	default:
		v = in.zero(d.Spec.Type, d.File)
	}
	cell.V, cell.busy, cell.done = v, false, true
	return cell
}

// zero is the zero value of a declared type, as far as the generator tracks it.
func (in *interp) zero(t ast.Expr, f *File) Value {
	if t == nil {
		return Nil{}
	}
	r := in.p.resolveType(t, f)
	switch r.Kind {
	case kindNamed:
		switch r.ID.Name {
		case "bool":
			if r.ID.Path == "" {
				return Const{V: constant.MakeBool(false)}
			}
		case "string":
			if r.ID.Path == "" {
				return Const{V: constant.MakeString("")}
			}
		case "int", "int64", "int32", "float64":
			if r.ID.Path == "" {
				return Const{V: constant.MakeInt64(0)}
			}
		}
		if _, isPtr := t.(*ast.StarExpr); !isPtr {
			return &Object{T: r.ID, Fields: map[string]Value{}}
		}
	case kindSlice:
		// An array ([N]T) holds N zero elements, so that what is stored at an index is kept
		// (aws's wafv2 builds its nested statement schemas into an array cache).
		if arr, ok := unparen(t).(*ast.ArrayType); ok && arr.Len != nil {
			if n, ok := constInt(in.eval(arr.Len, newEnv(nil, f))); ok && n >= 0 && n <= maxArrayLength {
				s := &Slice{}
				for range n {
					s.Items = append(s.Items, in.zero(arr.Elt, f))
				}
				return s
			}
		}
		return &Slice{}
	}
	return Nil{}
}

// maxArrayLength bounds the arrays the interpreter fills with zero values.
const maxArrayLength = 64

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

func (in *interp) selector(x *ast.SelectorExpr, env *Env) Value {
	if id, ok := x.X.(*ast.Ident); ok && env.lookup(id.Name) == nil {
		if ip, ok := env.file.Imports[id.Name]; ok && env.file.Pkg.Decls[id.Name] == nil {
			return in.qualified(ip, x.Sel.Name)
		}
	}
	base := in.eval(x.X, env)
	return in.member(base, x.Sel.Name)
}

// qualified evaluates pkg.Name for an imported package.
func (in *interp) qualified(importPath, name string) Value {
	if pkg := in.p.pkg(importPath); pkg != nil {
		if d := pkg.Decls[name]; d != nil {
			return in.decl(d)
		}
	}
	if s, ok := in.p.Constants[importPath+"."+name]; ok {
		return Const{V: constant.MakeString(s)}
	}
	return ExtRef{Path: importPath, Name: name}
}

// sdkZeroBoolFields are the flags of SDK and framework schema structs: an unset one is false.
var sdkZeroBoolFields = map[string]bool{"Optional": true, "Required": true, "Computed": true, "ForceNew": true, "Sensitive": true, "WriteOnly": true}

func (in *interp) member(base Value, name string) Value {
	switch b := settled(base).(type) {
	case *Object:
		if v, ok := b.Fields[name]; ok {
			return v
		}
		if b.T.Path != "" && in.p.pkg(b.T.Path) != nil {
			if m := in.p.method(b.T, name, 0); m != nil {
				return &Func{Decl: m.Func, File: m.File, Recv: b, Name: name}
			}
			if t, f := in.p.fieldType(b.T, name); t != nil {
				// An unset field of a struct declared in the source holds its zero value; it is
				// kept so that what is done to it (a map filled, a cache stored) is seen later.
				z := in.zero(t, f)
				b.Fields[name] = z
				return z
			}
		}
		if sdkZeroBoolFields[name] && (isSDKSchemaPackage(b.T.Path) || b.T.isFrameworkSchema()) {
			return Const{V: constant.MakeBool(false)}
		}
		if isSDKSchemaPackage(b.T.Path) || b.T.isFrameworkSchema() || b.T.Path == "" {
			return Nil{}
		}
		return MethodRef{Recv: b, Name: name}
	case Const:
		if b.T.Path != "" {
			if m := in.p.method(b.T, name, 0); m != nil {
				return &Func{Decl: m.Func, File: m.File, Recv: b, Name: name}
			}
		}
		return MethodRef{Recv: b, Name: name}
	case *diffRecorder:
		return MethodRef{Recv: b, Name: name}
	case *Slice:
		return MethodRef{Recv: b, Name: name}
	}
	return MethodRef{Recv: base, Name: name}
}

func (in *interp) index(x *ast.IndexExpr, env *Env) Value {
	base := settled(in.eval(x.X, env))
	switch b := base.(type) {
	case *Func, ExtRef, TypeValue:
		return b // generic instantiation
	case *Map:
		if k, ok := constString(in.eval(x.Index, env)); ok {
			if v, ok := b.Vals[k]; ok {
				return v
			}
			return Unknown{Why: fmt.Sprintf("map has no key %q", k)}
		}
		return Unknown{Why: "map index " + oneLine(x.Index, 40)}
	case *Slice:
		if i, ok := constInt(in.eval(x.Index, env)); ok && i >= 0 && int(i) < len(b.Items) {
			return b.Items[i]
		}
	}
	return Unknown{Why: "index " + oneLine(x, 60)}
}

func (in *interp) unary(x *ast.UnaryExpr, env *Env, want *typeRef) Value {
	v := in.evalTyped(x.X, env, want)
	switch x.Op {
	case token.AND:
		return v
	case token.NOT:
		if m, ok := v.(*Maybe); ok {
			return &Maybe{Then: in.not(m.Then), Else: in.not(m.Else), Cond: m.Cond}
		}
		return in.not(v)
	case token.SUB, token.ADD, token.XOR:
		if c, ok := settled(v).(Const); ok {
			return Const{V: constant.UnaryOp(x.Op, c.V, 0), T: c.T}
		}
	}
	return Unknown{Why: oneLine(x, 60)}
}

func isConcrete(v Value) bool {
	switch settled(v).(type) {
	case *Object, *Map, *Slice, *Func, *diffRecorder, Const:
		return true
	}
	return false
}

func (in *interp) not(v Value) Value {
	if b, ok := constBool(v); ok {
		return Const{V: constant.MakeBool(!b)}
	}
	return Unknown{Why: "!(" + whyUnknown(v) + ")"}
}

func (in *interp) binary(x *ast.BinaryExpr, env *Env) Value {
	l := in.eval(x.X, env)
	if x.Op == token.LAND || x.Op == token.LOR {
		lb, lok := constBool(l)
		if lok && (lb == (x.Op == token.LOR)) {
			return Const{V: constant.MakeBool(lb)}
		}
		r := in.eval(x.Y, env)
		rb, rok := constBool(r)
		if lok && rok {
			return Const{V: constant.MakeBool(rb)}
		}
		if rok && (rb == (x.Op == token.LOR)) {
			return Const{V: constant.MakeBool(rb)}
		}
		if lok && !rok {
			return r
		}
		return Unknown{Why: oneLine(x, 80)}
	}
	r := in.eval(x.Y, env)
	lc, lok := settled(l).(Const)
	rc, rok := settled(r).(Const)
	if !lok || !rok {
		if x.Op == token.EQL || x.Op == token.NEQ {
			ln, rn := isNilValue(settled(l)), isNilValue(settled(r))
			switch {
			case ln && rn:
				return Const{V: constant.MakeBool(x.Op == token.EQL)}
			case ln && isConcrete(r), rn && isConcrete(l):
				// A value the code built (or the diff it was given) is not nil.
				return Const{V: constant.MakeBool(x.Op == token.NEQ)}
			}
		}
		return Unknown{Why: oneLine(x, 80)}
	}
	defer func() { _ = recover() }() // mismatched constant kinds: stays unknown
	switch x.Op {
	case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
		return Const{V: constant.MakeBool(constant.Compare(lc.V, x.Op, rc.V))}
	case token.SHL, token.SHR:
		if s, ok := constant.Uint64Val(rc.V); ok {
			return Const{V: constant.Shift(lc.V, x.Op, uint(s)), T: lc.T}
		}
	default:
		op := x.Op
		if op == token.QUO && lc.V.Kind() == constant.Int && rc.V.Kind() == constant.Int {
			op = token.QUO_ASSIGN // integer division, as go/constant spells it
		}
		if op == token.QUO_ASSIGN {
			return Const{V: constant.BinaryOp(lc.V, token.QUO_ASSIGN, rc.V), T: lc.T}
		}
		return Const{V: constant.BinaryOp(lc.V, op, rc.V), T: lc.T}
	}
	return Unknown{Why: oneLine(x, 80)}
}

func (in *interp) composite(x *ast.CompositeLit, env *Env, want *typeRef) Value {
	t := want
	if x.Type != nil {
		t = in.p.resolveType(x.Type, env.file)
	}
	if t == nil {
		t = &typeRef{}
	}
	switch t.Kind {
	case kindMap:
		m := newMap()
		for _, el := range x.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			k := in.eval(kv.Key, env)
			v := in.evalTyped(kv.Value, env, t.Elem)
			if s, ok := constString(k); ok {
				m.set(s, v)
			} else {
				m.Unread = append(m.Unread, fmt.Sprintf("key %s: %s", oneLine(kv.Key, 60), whyUnknown(k)))
			}
		}
		return m
	case kindSlice:
		s := &Slice{}
		for _, el := range x.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				el = kv.Value
			}
			s.Items = append(s.Items, in.evalTyped(el, env, t.Elem))
			s.Srcs = append(s.Srcs, srcRef{Expr: el, File: env.file})
		}
		return s
	}
	o := &Object{T: t.ID, Fields: map[string]Value{}, Node: x, File: env.file}
	if env.frame != nil {
		o.Origin = env.frame.origin
	}
	for _, el := range x.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if k, ok := kv.Key.(*ast.Ident); ok {
				o.Fields[k.Name] = in.eval(kv.Value, env)
			}
		}
	}
	if st, ok := x.Type.(*ast.StructType); ok {
		// A literal of an unnamed struct type has no declaration to find its fields' zero values
		// in later (aws's tfsync.OnceValueCtx keeps a sync.Once and flags in one).
		for _, field := range st.Fields.List {
			for _, name := range field.Names {
				if _, set := o.Fields[name.Name]; !set {
					o.Fields[name.Name] = in.zero(field.Type, env.file)
				}
			}
		}
	}
	return o
}

// ---- calls ------------------------------------------------------------------------------------

func (in *interp) call(x *ast.CallExpr, env *Env) Value {
	fn := in.eval(x.Fun, env)
	if b, ok := fn.(Builtin); ok {
		return in.builtin(string(b), x, env)
	}
	if tv, ok := fn.(TypeValue); ok {
		if len(x.Args) != 1 {
			return Unknown{Why: "conversion " + oneLine(x, 60)}
		}
		v := in.eval(x.Args[0], env)
		if c, ok := v.(Const); ok && tv.Ref.Kind == kindNamed && tv.Ref.ID.Path != "" {
			c.T = tv.Ref.ID
			return c
		}
		return v
	}
	args := in.args(x, env)
	if sel, ok := x.Fun.(*ast.SelectorExpr); ok && in.watch[sel.Sel.Name] {
		if in.seen == nil {
			in.seen = map[*ast.CallExpr][]Value{}
		}
		in.seen[x] = args
	}
	switch f := settled(fn).(type) {
	case *Func:
		if in.noCalls {
			return Unknown{Why: "call " + oneLine(x, 60)}
		}
		in.pendingOuter = env.conditions()
		return in.callFunc(f, args, x.Ellipsis.IsValid())
	case ExtRef:
		if v, ok := in.stdlib(f, args); ok {
			return v
		}
		return ExtCall{Fn: f, Args: args, Exprs: x.Args, File: env.file, Call: x}
	case MethodRef:
		if rec, ok := f.Recv.(*diffRecorder); ok && f.Name == "ForceNew" && len(args) == 1 {
			key, _ := constString(args[0])
			c := forceNewCall{key: key, arg: x.Args[0], file: env.file, conds: env.conditions()}
			if env.frame != nil {
				c.fn = env.frame.name
			}
			rec.calls = append(rec.calls, c)
			rec.reached[x] = true
			return Nil{}
		}
		if rec, ok := f.Recv.(*diffRecorder); ok && f.Name == "SetNew" && len(args) == 2 {
			key, _ := constString(args[0])
			c := forceNewCall{key: key, arg: x.Args[0], file: env.file, conds: env.conditions()}
			if env.frame != nil {
				c.fn = env.frame.name
			}
			rec.setNew = append(rec.setNew, c)
			return Nil{}
		}
		if o, ok := settled(f.Recv).(*Object); ok && o.T == (typeID{Path: "sync", Name: "Once"}) && f.Name == "Do" && len(args) == 1 {
			// sync.Once.Do(f): the first call runs f; a later one finds its results.
			if in.onceDone == nil {
				in.onceDone = map[*Object]bool{}
			}
			if fn, ok := settled(args[0]).(*Func); ok && !in.onceDone[o] {
				in.onceDone[o] = true
				in.callFunc(fn, nil, false)
			}
			return Nil{}
		}
		if o, ok := settled(f.Recv).(*Object); ok && o.T == (typeID{Path: "sync", Name: "Map"}) {
			if v, ok := syncMap(o, f.Name, args); ok {
				return v
			}
		}
		if s, ok := f.Recv.(*Slice); ok && f.Name == "Append" {
			// path.Paths.Append(p...) used in ModifyPlan responses.
			s.Items = append(s.Items, args...)
			return s
		}
		return ExtCall{Recv: f.Recv, Method: f.Name, Args: args, Exprs: x.Args, File: env.file, Call: x}
	}
	if u, ok := settled(fn).(Unknown); ok {
		return Unknown{Why: "call " + oneLine(x, 60) + ": " + u.Why}
	}
	return Unknown{Why: "call " + oneLine(x, 60)}
}

// syncMap interprets sync.Map, used by providers to cache schemas they build once.
func syncMap(o *Object, method string, args []Value) (Value, bool) {
	m, _ := o.Fields["\x00entries"].(*Map)
	if m == nil {
		m = newMap()
		o.Fields["\x00entries"] = m
	}
	if len(args) == 0 {
		return nil, false
	}
	yes, no := Const{V: constant.MakeBool(true)}, Const{V: constant.MakeBool(false)}
	c, ok := settled(args[0]).(Const)
	if !ok {
		// An unknown key: nothing is known to be cached, so the value given is the one used.
		if method == "LoadOrStore" && len(args) == 2 {
			return Tuple{args[1], no}, true
		}
		return Tuple{Nil{}, no}, method == "Load"
	}
	k := c.V.ExactString()
	switch method {
	case "Load":
		if v, ok := m.Vals[k]; ok {
			return Tuple{v, yes}, true
		}
		return Tuple{Nil{}, no}, true
	case "Store":
		if len(args) == 2 {
			m.set(k, args[1])
			return Nil{}, true
		}
	case "LoadOrStore":
		if len(args) == 2 {
			if v, ok := m.Vals[k]; ok {
				return Tuple{v, yes}, true
			}
			m.set(k, args[1])
			return Tuple{args[1], no}, true
		}
	}
	return nil, false
}

func (in *interp) args(x *ast.CallExpr, env *Env) []Value {
	args := make([]Value, len(x.Args))
	for i, a := range x.Args {
		args[i] = in.eval(a, env)
	}
	return args
}

// stdlib interprets the few standard-library calls providers use to assemble schemas.
func (in *interp) stdlib(f ExtRef, args []Value) (Value, bool) {
	switch f.Path + "." + f.Name {
	case "maps.Copy", "golang.org/x/exp/maps.Copy":
		if len(args) == 2 {
			dst, ok1 := settled(args[0]).(*Map)
			src, ok2 := settled(args[1]).(*Map)
			if ok1 && ok2 {
				for _, k := range src.Keys {
					dst.set(k, src.Vals[k])
				}
				return Nil{}, true
			}
		}
	case "maps.Clone", "golang.org/x/exp/maps.Clone":
		if len(args) == 1 {
			if m, ok := settled(args[0]).(*Map); ok {
				return m.clone(), true
			}
		}
	case "fmt.Sprintf":
		if len(args) >= 1 {
			format, ok := constString(args[0])
			if !ok {
				return nil, false
			}
			vals := make([]any, 0, len(args)-1)
			for _, a := range args[1:] {
				j, ok := jsonValue(a)
				if !ok {
					return nil, false
				}
				vals = append(vals, j)
			}
			return Const{V: constant.MakeString(fmt.Sprintf(format, vals...))}, true
		}
	case "strings.ToLower", "strings.ToUpper", "strings.TrimSpace":
		if len(args) == 1 {
			if s, ok := constString(args[0]); ok {
				switch f.Name {
				case "ToLower":
					s = strings.ToLower(s)
				case "ToUpper":
					s = strings.ToUpper(s)
				default:
					s = strings.TrimSpace(s)
				}
				return Const{V: constant.MakeString(s)}, true
			}
		}
	case "sync.OnceValue", "sync.OnceValues", "sync.OnceFunc":
		// Run once at first use: for a reader, calling it is calling the function.
		if len(args) == 1 {
			if f, ok := settled(args[0]).(*Func); ok {
				return f, true
			}
		}
	case "strconv.Itoa":
		if len(args) == 1 {
			if n, ok := constInt(args[0]); ok {
				return Const{V: constant.MakeString(strconv.FormatInt(n, 10))}, true
			}
		}
	}
	return nil, false
}

func (in *interp) builtin(name string, x *ast.CallExpr, env *Env) Value {
	switch name {
	case "append":
		if len(x.Args) == 0 {
			return Unknown{Why: "append"}
		}
		base := settled(in.eval(x.Args[0], env))
		s := &Slice{}
		if b, ok := base.(*Slice); ok {
			s.Items = append(s.Items, b.Items...)
			s.Srcs = append(s.Srcs, b.Srcs...)
		}
		for i, a := range x.Args[1:] {
			v := in.eval(a, env)
			if x.Ellipsis.IsValid() && i == len(x.Args)-2 {
				if more, ok := settled(v).(*Slice); ok {
					s.Items = append(s.Items, more.Items...)
					s.Srcs = append(s.Srcs, more.Srcs...)
				}
				continue
			}
			s.Items = append(s.Items, v)
			s.Srcs = append(s.Srcs, srcRef{Expr: a, File: env.file})
		}
		return s
	case "make":
		if len(x.Args) > 0 {
			switch in.p.resolveType(x.Args[0], env.file).Kind {
			case kindMap:
				return newMap()
			case kindSlice:
				return &Slice{}
			}
		}
		return Unknown{Why: "make"}
	case "new":
		if len(x.Args) == 1 {
			if id, ok := in.p.namedTypeOf(x.Args[0], env.file); ok {
				return &Object{T: id, Fields: map[string]Value{}, Node: x, File: env.file}
			}
		}
		return Unknown{Why: "new"}
	case "delete":
		if len(x.Args) == 2 {
			if m, ok := settled(in.eval(x.Args[0], env)).(*Map); ok {
				if k, ok := constString(in.eval(x.Args[1], env)); ok {
					m.del(k)
				}
			}
		}
		return Nil{}
	case "max", "min":
		// On constants (array lengths such as max(a, b)).
		var best int64
		for i, a := range x.Args {
			n, ok := constInt(in.eval(a, env))
			if !ok {
				return Unknown{Why: name}
			}
			if i == 0 || (name == "max" && n > best) || (name == "min" && n < best) {
				best = n
			}
		}
		if len(x.Args) > 0 {
			return Const{V: constant.MakeInt64(best)}
		}
	case "len":
		if len(x.Args) == 1 {
			switch v := settled(in.eval(x.Args[0], env)).(type) {
			case *Slice:
				return Const{V: constant.MakeInt64(int64(len(v.Items)))}
			case *Map:
				return Const{V: constant.MakeInt64(int64(len(v.Keys)))}
			case Const:
				if v.V.Kind() == constant.String {
					return Const{V: constant.MakeInt64(int64(len(constant.StringVal(v.V))))}
				}
			}
		}
	}
	return Unknown{Why: name}
}

// callFunc runs a function declared in the source with the given arguments and returns its result
// (a Tuple for several results).
func (in *interp) callFunc(f *Func, args []Value, spread bool) Value {
	outer := in.pendingOuter
	in.pendingOuter = nil
	var ftype *ast.FuncType
	var body *ast.BlockStmt
	var recv *ast.FieldList
	switch {
	case f.Decl != nil:
		ftype, body, recv = f.Decl.Type, f.Decl.Body, f.Decl.Recv
	case f.Lit != nil:
		ftype, body = f.Lit.Type, f.Lit.Body
	}
	if body == nil {
		return Unknown{Why: "function without body"}
	}
	if in.depth >= maxCallDepth {
		return Unknown{Why: "call depth"}
	}
	in.depth++
	defer func() { in.depth-- }()
	env := newEnv(f.Env, f.File)
	env.spec = nil
	env.frame = &frame{name: f.Name, origin: fingerprint(f, args), outer: outer}
	if f.Decl != nil {
		env.frame.name = f.Decl.Name.Name
	}
	if recv != nil && len(recv.List) > 0 && len(recv.List[0].Names) > 0 {
		env.define(recv.List[0].Names[0].Name, f.Recv)
	}
	i := 0
	params := ftype.Params.List
	for pi, field := range params {
		_, variadic := field.Type.(*ast.Ellipsis)
		names := field.Names
		if len(names) == 0 {
			names = []*ast.Ident{{Name: "_"}}
		}
		for _, n := range names {
			switch {
			case variadic && pi == len(params)-1 && !spread:
				s := &Slice{}
				for ; i < len(args); i++ {
					s.Items = append(s.Items, args[i])
					s.Srcs = append(s.Srcs, srcRef{})
				}
				env.define(n.Name, s)
			case i < len(args):
				env.define(n.Name, args[i])
				i++
			default:
				env.define(n.Name, Unknown{Why: "parameter " + n.Name})
			}
		}
	}
	if ftype.Results != nil {
		for _, field := range ftype.Results.List {
			for _, n := range field.Names {
				env.define(n.Name, in.zero(field.Type, f.File))
				env.frame.results = append(env.frame.results, n.Name)
			}
		}
	}
	in.block(body.List, env)
	fr := env.frame
	ret := fr.ret
	if !fr.returned {
		ret = fr.candidate
	} else if len(ret) == 1 && len(fr.candidate) == 1 {
		// A boolean returned early under an undecided condition and another at the end: the
		// result is not known (a predicate such as "the key changed and …").
		a, ok1 := constBool(ret[0])
		b, ok2 := constBool(fr.candidate[0])
		if ok1 && !(ok2 && a == b) {
			ret = []Value{&Maybe{Then: ret[0], Else: fr.candidate[0], Cond: "an early return"}}
		}
	}
	if ret == nil && len(fr.results) > 0 {
		for _, n := range fr.results {
			ret = append(ret, env.lookup(n).V)
		}
	}
	switch len(ret) {
	case 0:
		return Nil{}
	case 1:
		return ret[0]
	}
	return Tuple(ret)
}

// fingerprint identifies a call by its function and arguments: constants by value, everything else
// by identity.
func fingerprint(f *Func, args []Value) string {
	var b strings.Builder
	if f.Decl != nil {
		fmt.Fprintf(&b, "%p(", f.Decl)
	} else {
		fmt.Fprintf(&b, "%p(", f.Lit)
	}
	for _, a := range append([]Value{f.Recv}, args...) {
		switch v := settled(a).(type) {
		case Const:
			b.WriteString(v.V.ExactString())
		case *Func:
			fmt.Fprintf(&b, "func %p %p", v.Decl, v.Lit)
		case *Object, *Map, *Slice:
			fmt.Fprintf(&b, "%p", v)
		case ExtRef:
			b.WriteString(v.Path + "." + v.Name)
		case nil:
		default:
			fmt.Fprintf(&b, "%T", v)
		}
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}

// ---- statements -------------------------------------------------------------------------------

type flow int

const (
	flowNormal flow = iota
	flowReturn
	flowBreak
	flowContinue
)

func (in *interp) block(stmts []ast.Stmt, env *Env) flow {
	for _, s := range stmts {
		if f := in.stmt(s, env); f != flowNormal {
			return f
		}
	}
	return flowNormal
}

func (in *interp) stmt(s ast.Stmt, env *Env) flow {
	in.tick(s)
	switch x := s.(type) {
	case *ast.ExprStmt:
		in.eval(x.X, env)
	case *ast.AssignStmt:
		in.assignStmt(x, env)
	case *ast.DeclStmt:
		if g, ok := x.Decl.(*ast.GenDecl); ok {
			for _, spec := range g.Specs {
				vs, ok := spec.(*ast.ValueSpec)
				if !ok {
					continue
				}
				var want *typeRef
				if vs.Type != nil {
					want = in.p.resolveType(vs.Type, env.file)
				}
				switch {
				case len(vs.Values) == len(vs.Names):
					for i, n := range vs.Names {
						env.define(n.Name, in.evalTyped(vs.Values[i], env, want))
					}
				case len(vs.Values) == 1:
					t, _ := in.eval(vs.Values[0], env).(Tuple)
					for i, n := range vs.Names {
						if i < len(t) {
							env.define(n.Name, t[i])
						} else {
							env.define(n.Name, Unknown{Why: n.Name})
						}
					}
				default:
					for _, n := range vs.Names {
						env.define(n.Name, in.zero(vs.Type, env.file))
					}
				}
			}
		}
	case *ast.ReturnStmt:
		vals := make([]Value, len(x.Results))
		for i, r := range x.Results {
			vals[i] = in.eval(r, env)
		}
		if len(vals) == 1 && len(env.frame.results) > 1 {
			if t, ok := vals[0].(Tuple); ok {
				vals = t
			}
		}
		if len(vals) == 0 && len(env.frame.results) > 0 {
			for _, n := range env.frame.results {
				vals = append(vals, env.lookup(n).V)
			}
		}
		if len(env.spec) > 0 {
			if env.frame.candidate == nil {
				env.frame.candidate = vals
			}
			return flowNormal
		}
		env.frame.ret, env.frame.returned = vals, true
		return flowReturn
	case *ast.BlockStmt:
		return in.block(x.List, newEnv(env, env.file))
	case *ast.IfStmt:
		return in.ifStmt(x, env)
	case *ast.ForStmt:
		return in.forStmt(x, env)
	case *ast.RangeStmt:
		return in.rangeStmt(x, env)
	case *ast.SwitchStmt:
		return in.switchStmt(x, env)
	case *ast.TypeSwitchStmt:
		scope := newEnv(env, env.file)
		if x.Init != nil {
			in.stmt(x.Init, scope)
		}
		scope.spec = append(append([]string{}, scope.spec...), "type switch "+oneLine(x.Assign, 60))
		for _, c := range x.Body.List {
			cc := c.(*ast.CaseClause)
			in.block(cc.Body, newEnv(scope, env.file))
		}
	case *ast.IncDecStmt:
		if id, ok := x.X.(*ast.Ident); ok {
			if c := env.lookup(id.Name); c != nil {
				if n, ok := constInt(c.V); ok {
					if x.Tok == token.INC {
						n++
					} else {
						n--
					}
					c.V = Const{V: constant.MakeInt64(n)}
				}
			}
		}
	case *ast.BranchStmt:
		if len(env.spec) > 0 {
			return flowNormal
		}
		switch x.Tok {
		case token.BREAK:
			return flowBreak
		case token.CONTINUE:
			return flowContinue
		}
	case *ast.LabeledStmt:
		return in.stmt(x.Stmt, env)
	}
	return flowNormal
}

func (in *interp) assignStmt(x *ast.AssignStmt, env *Env) {
	define := x.Tok == token.DEFINE
	if x.Tok != token.ASSIGN && x.Tok != token.DEFINE {
		// op= : evaluate as a binary expression on the left-hand side.
		op := map[token.Token]token.Token{token.ADD_ASSIGN: token.ADD, token.SUB_ASSIGN: token.SUB, token.MUL_ASSIGN: token.MUL, token.QUO_ASSIGN: token.QUO, token.OR_ASSIGN: token.OR, token.AND_ASSIGN: token.AND}[x.Tok]
		if op == token.ILLEGAL || len(x.Lhs) != 1 || len(x.Rhs) != 1 {
			return
		}
		v := in.binary(&ast.BinaryExpr{X: x.Lhs[0], Op: op, Y: x.Rhs[0]}, env)
		in.assign(x.Lhs[0], v, env, false)
		return
	}
	var vals []Value
	if len(x.Rhs) == 1 && len(x.Lhs) > 1 {
		v := in.eval(x.Rhs[0], env)
		t, ok := v.(Tuple)
		for i := range x.Lhs {
			if ok && i < len(t) {
				vals = append(vals, t[i])
			} else {
				vals = append(vals, Unknown{Why: oneLine(x.Rhs[0], 60)})
			}
		}
	} else {
		for _, r := range x.Rhs {
			vals = append(vals, in.eval(r, env))
		}
	}
	for i, l := range x.Lhs {
		if i < len(vals) {
			in.assign(l, vals[i], env, define)
		}
	}
}

// assign stores v; under a condition that could not be evaluated the old value is kept beside it.
func (in *interp) assign(l ast.Expr, v Value, env *Env, define bool) {
	cond := strings.Join(env.conditions(), " && ")
	maybe := func(old Value) Value {
		if cond == "" || old == nil {
			return v
		}
		if ob, ok := constBool(old); ok {
			if nb, ok := constBool(v); ok && ob == nb {
				return v
			}
		}
		return &Maybe{Then: v, Else: old, Cond: cond}
	}
	switch t := l.(type) {
	case *ast.Ident:
		if t.Name == "_" {
			return
		}
		if define {
			if c, ok := env.vars[t.Name]; ok {
				c.V = maybe(c.V)
				return
			}
			env.define(t.Name, v)
			return
		}
		if c := env.lookup(t.Name); c != nil {
			c.V = maybe(c.V)
			return
		}
		if d := env.file.Pkg.Decls[t.Name]; d != nil && d.Kind == DeclVar {
			c := in.varCell(d)
			c.V = maybe(c.V)
		}
	case *ast.SelectorExpr:
		if o, ok := settled(in.eval(t.X, env)).(*Object); ok {
			old, set := o.Fields[t.Sel.Name]
			if !set && cond != "" {
				// An unset field holds its zero value (false for the schema flags).
				old = in.member(o, t.Sel.Name)
				if _, isMethod := old.(*Func); isMethod {
					old = Nil{}
				}
			}
			o.Fields[t.Sel.Name] = maybe(old)
		}
	case *ast.IndexExpr:
		switch c := settled(in.eval(t.X, env)).(type) {
		case *Map:
			if k, ok := constString(in.eval(t.Index, env)); ok {
				c.set(k, v)
			} else {
				c.Unread = append(c.Unread, fmt.Sprintf("key %s: %s", oneLine(t.Index, 60), "not a constant"))
			}
		case *Slice:
			if i, ok := constInt(in.eval(t.Index, env)); ok && i >= 0 && int(i) < len(c.Items) {
				c.Items[i] = maybe(c.Items[i])
			}
		}
	case *ast.ParenExpr:
		in.assign(t.X, v, env, define)
	case *ast.StarExpr:
		in.assign(t.X, v, env, define)
	}
}

func (in *interp) ifStmt(x *ast.IfStmt, env *Env) flow {
	scope := newEnv(env, env.file)
	if x.Init != nil {
		in.stmt(x.Init, scope)
	}
	c := in.eval(x.Cond, scope)
	if b, ok := constBool(c); ok {
		if b {
			return in.block(x.Body.List, newEnv(scope, env.file))
		}
		if x.Else != nil {
			return in.stmt(x.Else, scope)
		}
		return flowNormal
	}
	text := oneLine(x.Cond, 120) + in.calleeText(x.Cond, scope)
	then := newEnv(scope, env.file)
	then.spec = append(append([]string{}, scope.spec...), text)
	in.block(x.Body.List, then)
	if x.Else != nil {
		els := newEnv(scope, env.file)
		els.spec = append(append([]string{}, scope.spec...), "!("+text+")")
		in.stmt(x.Else, els)
	}
	return flowNormal
}

// calleeText says what a condition calls when it calls a function value passed in (a helper's
// parameter bound to the caller's function literal), since the parameter's name says nothing.
func (in *interp) calleeText(cond ast.Expr, env *Env) string {
	var out []string
	ast.Inspect(cond, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if id, ok := call.Fun.(*ast.Ident); ok {
			if c := env.lookup(id.Name); c != nil {
				if f, ok := settled(c.V).(*Func); ok {
					switch {
					case f.Lit != nil:
						out = append(out, id.Name+" = "+oneLine(f.Lit, 160))
					case f.Decl != nil:
						out = append(out, id.Name+" = "+f.Decl.Name.Name)
					}
				}
			}
		}
		return true
	})
	if len(out) == 0 {
		return ""
	}
	return " [" + strings.Join(out, "; ") + "]"
}

const maxIterations = 20000

func (in *interp) forStmt(x *ast.ForStmt, env *Env) flow {
	scope := newEnv(env, env.file)
	if x.Init != nil {
		in.stmt(x.Init, scope)
	}
	for i := 0; i < maxIterations; i++ {
		if x.Cond != nil {
			b, ok := constBool(in.eval(x.Cond, scope))
			if !ok || !b {
				return flowNormal
			}
		} else if i > 0 {
			return flowNormal
		}
		f := in.block(x.Body.List, newEnv(scope, env.file))
		if f == flowReturn {
			return f
		}
		if f == flowBreak {
			return flowNormal
		}
		if x.Post != nil {
			in.stmt(x.Post, scope)
		}
	}
	return flowNormal
}

func (in *interp) rangeStmt(x *ast.RangeStmt, env *Env) flow {
	over := settled(in.eval(x.X, env))
	bind := func(k, v Value) flow {
		scope := newEnv(env, env.file)
		if x.Key != nil {
			in.assign(x.Key, k, scope, x.Tok == token.DEFINE)
		}
		if x.Value != nil {
			in.assign(x.Value, v, scope, x.Tok == token.DEFINE)
		}
		return in.block(x.Body.List, scope)
	}
	switch o := over.(type) {
	case *Map:
		keys := append([]string{}, o.Keys...)
		for _, k := range keys {
			switch bind(Const{V: constant.MakeString(k)}, o.Vals[k]) {
			case flowReturn:
				return flowReturn
			case flowBreak:
				return flowNormal
			}
		}
	case *Slice:
		items := append([]Value{}, o.Items...)
		for i, it := range items {
			switch bind(Const{V: constant.MakeInt64(int64(i))}, it) {
			case flowReturn:
				return flowReturn
			case flowBreak:
				return flowNormal
			}
		}
	}
	return flowNormal
}

func (in *interp) switchStmt(x *ast.SwitchStmt, env *Env) flow {
	scope := newEnv(env, env.file)
	if x.Init != nil {
		in.stmt(x.Init, scope)
	}
	var tag Value = Const{V: constant.MakeBool(true)}
	if x.Tag != nil {
		tag = in.eval(x.Tag, scope)
	}
	tc, tagKnown := settled(tag).(Const)
	var deflt *ast.CaseClause
	for _, c := range x.Body.List {
		cc := c.(*ast.CaseClause)
		if cc.List == nil {
			deflt = cc
			continue
		}
		if !tagKnown {
			continue
		}
		allKnown := true
		for _, e := range cc.List {
			v, ok := settled(in.eval(e, scope)).(Const)
			if !ok {
				allKnown = false
				continue
			}
			if func() (eq bool) {
				defer func() { _ = recover() }()
				return constant.Compare(tc.V, token.EQL, v.V)
			}() {
				return in.caseBody(cc, scope)
			}
		}
		if !allKnown {
			tagKnown = false
		}
	}
	if tagKnown {
		if deflt != nil {
			return in.caseBody(deflt, scope)
		}
		return flowNormal
	}
	// The case taken is not known: run them all under the condition.
	for _, c := range x.Body.List {
		cc := c.(*ast.CaseClause)
		body := newEnv(scope, env.file)
		body.spec = append(append([]string{}, scope.spec...), "switch "+oneLine(x.Tag, 60))
		in.block(cc.Body, body)
	}
	return flowNormal
}

func (in *interp) caseBody(cc *ast.CaseClause, env *Env) flow {
	f := in.block(cc.Body, newEnv(env, env.file))
	if f == flowBreak {
		return flowNormal
	}
	return f
}

// callSafely runs fn and turns an exceeded budget into an error.
func (in *interp) callSafely(fn func() Value) (v Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			if b, ok := r.(budgetExceeded); ok {
				err = fmt.Errorf("evaluation did not settle within %d steps (at %s)", stepBudget, b.where)
				return
			}
			panic(r)
		}
	}()
	in.steps = 0
	return fn(), nil
}
