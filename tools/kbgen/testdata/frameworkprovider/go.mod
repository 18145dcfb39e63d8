module example.com/terraform-provider-fakefw

go 1.24
