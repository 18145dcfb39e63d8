// Test input for kbgen: attribute name constants in their own package, as the aws provider keeps them.
package names

const (
	AttrAvailabilityZone = "availability_zone"
	AttrName             = "name"
	AttrTags             = "tags"
	attrPrefix           = "user_"
	AttrUserData         = attrPrefix + "data"
)
