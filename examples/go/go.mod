module docker-networking-go

go 1.25

require (
	github.com/pulumi/pulumi/sdk/v3 v3.252.0
	pulumi-docker-networking/sdk/go v0.0.0
)

// The Go SDK `npm run sdk` generates (dist/sdk/go); run `go mod tidy` once it is there.
replace pulumi-docker-networking/sdk/go => ../../dist/sdk/go
