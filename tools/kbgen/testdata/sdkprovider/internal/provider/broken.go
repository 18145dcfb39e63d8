package provider

// This file does not parse: the generator must name it and still read the other files.
func brokenResource() *schema.Resource {
	return &schema.Resource{
		Schema: map[string]*schema.Schema{
			"x": {Type: schema.TypeString,
	}
}
