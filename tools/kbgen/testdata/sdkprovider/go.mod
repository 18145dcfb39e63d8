module example.com/terraform-provider-fakesdk

go 1.24
