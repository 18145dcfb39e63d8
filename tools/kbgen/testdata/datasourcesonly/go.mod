module example.com/terraform-provider-fakedata

go 1.24
