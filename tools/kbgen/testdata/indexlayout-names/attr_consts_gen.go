// Test input for kbgen: the attribute constants package the index layout does not include.
package names

const (
	AttrDescription = "description"
	AttrID          = "id"
	AttrName        = "name"
)
