package main

// Type expressions, resolved only as far as the generator needs: which named type a composite
// literal builds (following type aliases declared in the source, such as a provider's
// `type Schema = schema.Schema`), and the element types of maps and slices so that literals with
// elided element types (`map[string]*schema.Schema{"x": {…}}`) are built as the right type.

import (
	"go/ast"
	"strings"
)

// typeID names a type by import path and name. Path is empty for predeclared types.
type typeID struct {
	Path string
	Name string
}

func (t typeID) String() string {
	if t.Path == "" {
		return t.Name
	}
	return t.Path + "." + t.Name
}

type typeKind int

const (
	kindOther typeKind = iota
	kindNamed
	kindMap
	kindSlice
	kindFunc
)

// typeRef is a resolved type expression.
type typeRef struct {
	Kind typeKind
	ID   typeID   // kindNamed: the named type (after aliases); also set for a named map or slice type
	Elem *typeRef // map value, slice element
}

// resolveType resolves a type expression written in file f.
func (p *Program) resolveType(e ast.Expr, f *File) *typeRef {
	return p.resolveTypeDepth(e, f, 0)
}

func (p *Program) resolveTypeDepth(e ast.Expr, f *File, depth int) *typeRef {
	if e == nil || depth > 12 {
		return &typeRef{}
	}
	switch t := e.(type) {
	case *ast.ParenExpr:
		return p.resolveTypeDepth(t.X, f, depth+1)
	case *ast.StarExpr:
		return p.resolveTypeDepth(t.X, f, depth+1)
	case *ast.ArrayType:
		return &typeRef{Kind: kindSlice, Elem: p.resolveTypeDepth(t.Elt, f, depth+1)}
	case *ast.MapType:
		return &typeRef{Kind: kindMap, Elem: p.resolveTypeDepth(t.Value, f, depth+1)}
	case *ast.FuncType:
		return &typeRef{Kind: kindFunc}
	case *ast.IndexExpr:
		return p.resolveTypeDepth(t.X, f, depth+1)
	case *ast.IndexListExpr:
		return p.resolveTypeDepth(t.X, f, depth+1)
	case *ast.Ident, *ast.SelectorExpr:
		id, decl := p.typeName(e, f)
		if decl == nil {
			return &typeRef{Kind: kindNamed, ID: id}
		}
		under := decl.Type.Type
		if decl.Type.Assign.IsValid() {
			// A type alias is the type it names.
			return p.resolveTypeDepth(under, decl.File, depth+1)
		}
		switch under.(type) {
		case *ast.MapType, *ast.ArrayType:
			r := p.resolveTypeDepth(under, decl.File, depth+1)
			r.ID = id
			return r
		}
		return &typeRef{Kind: kindNamed, ID: id}
	}
	return &typeRef{}
}

// typeName resolves an identifier or qualified identifier used as a type. The declaration is
// returned when the type is declared in the source.
func (p *Program) typeName(e ast.Expr, f *File) (typeID, *Decl) {
	switch t := e.(type) {
	case *ast.Ident:
		if d := f.Pkg.Decls[t.Name]; d != nil && d.Kind == DeclType {
			return typeID{Path: f.Pkg.Path, Name: t.Name}, d
		}
		return typeID{Name: t.Name}, nil
	case *ast.SelectorExpr:
		x, ok := t.X.(*ast.Ident)
		if !ok {
			return typeID{}, nil
		}
		ip, ok := f.Imports[x.Name]
		if !ok {
			return typeID{}, nil
		}
		if pkg := p.pkg(ip); pkg != nil {
			if d := pkg.Decls[t.Sel.Name]; d != nil && d.Kind == DeclType {
				return typeID{Path: ip, Name: t.Sel.Name}, d
			}
		}
		return typeID{Path: ip, Name: t.Sel.Name}, nil
	}
	return typeID{}, nil
}

// namedTypeOf resolves a type expression to a named type, following aliases and pointers.
func (p *Program) namedTypeOf(e ast.Expr, f *File) (typeID, bool) {
	r := p.resolveType(e, f)
	if r.Kind == kindNamed && r.ID.Name != "" {
		return r.ID, true
	}
	return typeID{}, false
}

// The packages the generator recognises, by import path.

func isSDKSchemaPackage(path string) bool {
	return path == "github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema" ||
		path == "github.com/hashicorp/terraform-plugin-sdk/helper/schema" ||
		path == "github.com/hashicorp/terraform/helper/schema"
}

func isSDKCustomDiffPackage(path string) bool {
	return path == "github.com/hashicorp/terraform-plugin-sdk/v2/helper/customdiff" ||
		path == "github.com/hashicorp/terraform-plugin-sdk/helper/customdiff" ||
		path == "github.com/hashicorp/terraform/helper/customdiff"
}

const frameworkModule = "github.com/hashicorp/terraform-plugin-framework"

func isFrameworkResourceSchemaPackage(path string) bool {
	return path == frameworkModule+"/resource/schema"
}

// isFrameworkPlanModifierPackage matches stringplanmodifier, listplanmodifier, … .
func isFrameworkPlanModifierPackage(path string) bool {
	rest, ok := strings.CutPrefix(path, frameworkModule+"/resource/schema/")
	return ok && strings.HasSuffix(rest, "planmodifier") && !strings.Contains(rest, "/")
}

// isFrameworkDefaultPackage matches stringdefault, booldefault, … .
func isFrameworkDefaultPackage(path string) bool {
	rest, ok := strings.CutPrefix(path, frameworkModule+"/resource/schema/")
	return ok && strings.HasSuffix(rest, "default") && !strings.Contains(rest, "/")
}

func isFrameworkTypesPackage(path string) bool {
	return path == frameworkModule+"/types" || path == frameworkModule+"/types/basetypes"
}

func isFrameworkPathPackage(path string) bool {
	return path == frameworkModule+"/path"
}

func isValidatorPackage(path string) bool {
	return strings.HasPrefix(path, "github.com/hashicorp/terraform-plugin-framework-validators/")
}

func (t typeID) isSDK(name string) bool { return isSDKSchemaPackage(t.Path) && t.Name == name }

// isFrameworkSchema accepts the data-source schema package too: providers reuse its attribute
// types in resource schemas (aws's tags_all is a datasource/schema.MapAttribute).
func (t typeID) isFrameworkSchema() bool {
	return isFrameworkResourceSchemaPackage(t.Path) || t.Path == frameworkModule+"/datasource/schema"
}
