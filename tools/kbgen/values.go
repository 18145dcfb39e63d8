package main

// The values of the abstract interpreter. Go values the generator can know (constants, literals of
// structs, maps and slices, functions declared in the source) are represented as such; anything
// that comes from outside the source directory stays symbolic (ExtRef, ExtCall), and anything that
// depends on run-time input is Unknown with the reason.

import (
	"go/ast"
	"go/constant"
	"strings"
)

type Value any

// Const is a constant, with its named type when it has one (for methods such as String()).
type Const struct {
	V constant.Value
	T typeID
}

type Nil struct{}

// Unknown is a value the generator cannot know; Why says which expression and why.
type Unknown struct{ Why string }

// ExtRef is an identifier declared outside the source directory: a function, variable, constant
// or type of a dependency, such as schema.TypeString or stringplanmodifier.RequiresReplace.
type ExtRef struct{ Path, Name string }

// ExtCall is a call of a function outside the source directory (Fn), or of a method on a value the
// generator does not model (Recv + Method), with its evaluated arguments.
type ExtCall struct {
	Fn     ExtRef
	Recv   Value
	Method string
	Args   []Value
	Exprs  []ast.Expr
	File   *File
	Call   *ast.CallExpr
}

// Object is a struct value (or a pointer to one: the generator does not tell them apart, and a
// literal keeps its identity so that mutations through any reference are seen by all).
type Object struct {
	T      typeID
	Fields map[string]Value
	Node   ast.Node
	File   *File
	// Origin names the function call that built a literal (function and arguments), so that two
	// resources from one generic helper called with different arguments are not taken for aliases.
	Origin string
}

// Map is a map with string keys, in insertion order.
type Map struct {
	Keys []string
	Vals map[string]Value
	// Unread lists entries whose key could not be evaluated, with why.
	Unread []string
}

// Slice keeps, for each element, the expression it was written as (for `source` texts).
type Slice struct {
	Items []Value
	Srcs  []srcRef
}

type srcRef struct {
	Expr ast.Expr
	File *File
}

// Func is a function declared in the source: a declaration or a literal with its closure, and a
// receiver when it is a bound method.
type Func struct {
	Decl *ast.FuncDecl
	Lit  *ast.FuncLit
	File *File
	Env  *Env
	Recv Value
	Name string
}

// MethodRef is a method value on something the generator does not model.
type MethodRef struct {
	Recv Value
	Name string
}

type Tuple []Value

// Maybe is a value assigned under a condition the generator could not evaluate.
type Maybe struct {
	Then, Else Value
	Cond       string
}

// TypeValue is a type used in a conversion, T(x).
type TypeValue struct{ Ref *typeRef }

type Builtin string

// diffRecorder stands for the *schema.ResourceDiff a CustomizeDiff function receives: its
// ForceNew calls are recorded with the key, the function and the undecided conditions around them.
type diffRecorder struct {
	calls   []forceNewCall
	reached map[*ast.CallExpr]bool
	// setNew are the SetNew(key, value) calls: the function plans a value of its own for key.
	setNew []forceNewCall
}

type forceNewCall struct {
	key   string // "" when it could not be evaluated
	arg   ast.Expr
	file  *File
	fn    string
	conds []string
}

func newMap() *Map { return &Map{Vals: map[string]Value{}} }

func (m *Map) set(k string, v Value) {
	if _, ok := m.Vals[k]; !ok {
		m.Keys = append(m.Keys, k)
	}
	m.Vals[k] = v
}

func (m *Map) del(k string) {
	if _, ok := m.Vals[k]; !ok {
		return
	}
	delete(m.Vals, k)
	for i, key := range m.Keys {
		if key == k {
			m.Keys = append(m.Keys[:i:i], m.Keys[i+1:]...)
			break
		}
	}
}

func (m *Map) clone() *Map {
	c := newMap()
	for _, k := range m.Keys {
		c.set(k, m.Vals[k])
	}
	c.Unread = append(c.Unread, m.Unread...)
	return c
}

// settled resolves a Maybe to its most recent assignment: for everything except the rule flags,
// the generator takes the value the code sets, as a provider reader would.
func settled(v Value) Value {
	for {
		m, ok := v.(*Maybe)
		if !ok {
			return v
		}
		v = m.Then
	}
}

func constString(v Value) (string, bool) {
	c, ok := settled(v).(Const)
	if !ok || c.V.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(c.V), true
}

func constBool(v Value) (bool, bool) {
	if m, ok := v.(*Maybe); ok {
		// Known only when both ways give the same answer.
		a, ok1 := constBool(m.Then)
		b, ok2 := constBool(m.Else)
		return a, ok1 && ok2 && a == b
	}
	c, ok := settled(v).(Const)
	if !ok || c.V.Kind() != constant.Bool {
		return false, false
	}
	return constant.BoolVal(c.V), true
}

func constInt(v Value) (int64, bool) {
	c, ok := settled(v).(Const)
	if !ok {
		return 0, false
	}
	i := constant.ToInt(c.V)
	if i.Kind() != constant.Int {
		return 0, false
	}
	n, exact := constant.Int64Val(i)
	return n, exact
}

// jsonValue converts a constant to a JSON value (for `default`).
func jsonValue(v Value) (any, bool) {
	c, ok := settled(v).(Const)
	if !ok {
		return nil, false
	}
	switch c.V.Kind() {
	case constant.String:
		return constant.StringVal(c.V), true
	case constant.Bool:
		return constant.BoolVal(c.V), true
	case constant.Int:
		if n, exact := constant.Int64Val(c.V); exact {
			return n, true
		}
	case constant.Float:
		f, _ := constant.Float64Val(c.V)
		return f, true
	}
	return nil, false
}

func whyUnknown(v Value) string {
	switch u := settled(v).(type) {
	case Unknown:
		return u.Why
	case ExtCall:
		return "the value of " + u.describe() + " (outside the source)"
	case ExtRef:
		return "the value of " + u.Path + "." + u.Name + " (outside the source)"
	case nil:
		return "no value"
	}
	return "not a constant"
}

func (c ExtCall) describe() string {
	if c.Method != "" {
		return "method " + c.Method
	}
	return shortPath(c.Fn.Path) + "." + c.Fn.Name
}

// shortPath is the last element of an import path, as the package is usually referred to.
func shortPath(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// describeValue names a value for a source text when no expression of it is at hand.
func describeValue(v Value) string {
	switch u := settled(v).(type) {
	case *Object:
		if u.T.Name != "" {
			return shortPath(u.T.Path) + "." + u.T.Name
		}
	case ExtCall:
		return u.describe()
	case *Func:
		if u.Name != "" {
			return u.Name
		}
	}
	return whyUnknown(v)
}
