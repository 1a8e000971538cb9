"""The quickstart in Python: a bridge network with a declared subnet, existing containers plugged
into it with DNS aliases and static addresses, and a lookup of the result (`docker network inspect`).

Config: `containers`, the names of running containers to attach.
"""
import pulumi
import pulumi_docker_networking as dn

config = pulumi.Config()
containers = config.require_object("containers")

net = dn.BridgeNetwork(
    "app",
    ipam_configs=[dn.IpamConfigArgs(subnet="10.250.20.0/24", gateway="10.250.20.1")],
    labels={"com.example.stack": pulumi.get_stack()},
    mtu=1450,
)

attachments = [
    dn.NetworkAttachment(
        f"{container}-on-app",
        network=net,
        container=container,
        aliases=[f"svc-{i}", container],
        ipv4_address=f"10.250.20.{10 + i}",
    )
    for i, container in enumerate(containers)
]

pulumi.export("networkName", net.name)
pulumi.export("networkId", net.network_id)
pulumi.export("subnet", net.ipam_configs.apply(lambda pools: pools[0].subnet))
pulumi.export("addresses", {c: a.ipv4_address for c, a in zip(containers, attachments)})
# What `docker network inspect` shows once the attachments are made (the lookup waits for them).
attached = dn.get_network_output(id=net.network_id, opts=pulumi.InvokeOutputOptions(depends_on=attachments))
pulumi.export("attached", attached.containers.apply(lambda cs: sorted(f"{c.name} {c.ipv4_address}" for c in cs)))
