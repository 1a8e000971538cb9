// The quickstart in Go: a bridge network with a declared subnet, existing containers plugged into
// it with DNS aliases and static addresses, and a lookup of the result (`docker network inspect`).
//
// Config: `containers`, the names of running containers to attach.
package main

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	dn "pulumi-docker-networking/sdk/go/dockernetworking"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		var containers []string
		config.RequireObject(ctx, "containers", &containers)

		net, err := dn.NewBridgeNetwork(ctx, "app", &dn.BridgeNetworkArgs{
			IpamConfigs: dn.IpamConfigArray{dn.IpamConfigArgs{
				Subnet:  pulumi.String("10.250.40.0/24"),
				Gateway: pulumi.String("10.250.40.1"),
			}},
			Labels: pulumi.StringMap{"com.example.stack": pulumi.String(ctx.Stack())},
			Mtu:    pulumi.Float64(1450),
		})
		if err != nil {
			return err
		}
		addresses := pulumi.StringMap{}
		var attachments []pulumi.Resource
		for i, c := range containers {
			a, err := dn.NewNetworkAttachment(ctx, c+"-on-app", &dn.NetworkAttachmentArgs{
				Network:     net,
				Container:   pulumi.String(c),
				Aliases:     pulumi.StringArray{pulumi.Sprintf("svc-%d", i), pulumi.String(c)},
				Ipv4Address: pulumi.String(fmt.Sprintf("10.250.40.%d", 10+i)),
			})
			if err != nil {
				return err
			}
			addresses[c] = a.Ipv4Address
			attachments = append(attachments, a)
		}
		ctx.Export("networkName", net.Name)
		ctx.Export("networkId", net.NetworkId)
		ctx.Export("addresses", addresses)
		// What `docker network inspect` shows once the attachments are made (the lookup waits for them).
		seen := dn.GetNetworkOutput(ctx, dn.GetNetworkOutputArgs{Id: net.NetworkId}, pulumi.DependsOn(attachments))
		ctx.Export("attached", seen.Containers().ApplyT(func(cs []dn.NetworkContainer) []string {
			out := []string{}
			for _, c := range cs {
				out = append(out, fmt.Sprintf("%s %s", c.Name, c.Ipv4Address))
			}
			sort.Strings(out)
			return out
		}))
		return nil
	})
}
