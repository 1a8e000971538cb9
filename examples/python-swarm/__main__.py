"""The swarm example in Python: a swarm across hosts you name, an attachable overlay over it, and
existing containers on the hosts plugged into the overlay by alias, so they reach each other
across hosts by name.

Config:
- `hosts`: `[{"host": "ssh://root@10.0.1.10", "advertiseAddr": "10.0.1.10"}, ...]`; the first inits
- `managers`: how many of them are managers (default 1)
- `sshKey` (secret, optional): the private key for `ssh://` hosts
- `attach` (optional): `[{"host": 1, "container": "api", "alias": "api"}, ...]`, host by index
- `services` (optional): `[{"service": "shop_web", "alias": "web"}, ...]`: swarm services another
  tool made (`docker stack deploy`, compose) put on the overlay too, answering there by alias
"""
import pulumi
import pulumi_docker_networking as dn

config = pulumi.Config()
ssh_key = config.get_secret("sshKey")
hosts = [
    dn.SwarmHostArgs(
        connection=dn.ConnectionArgs(
            host=h["host"], key_material=ssh_key if h["host"].startswith("ssh://") else None
        ),
        advertise_addr=h["advertiseAddr"],
    )
    for h in config.require_object("hosts")
]

cluster = dn.SwarmCluster("swarm", hosts=hosts, managers=config.get_int("managers") or 1)
mesh = dn.OverlayNetwork(
    "mesh",
    attachable=True,
    # On the swarm: made on its first manager after the swarm, and removed before it ends.
    swarm=cluster,
    # Proves on create that the overlay carries traffic between every pair of hosts.
    verify=dn.SwarmVerifyArgs(hosts=[h.connection for h in hosts]),
)
attachments = [
    dn.NetworkAttachment(
        f"{a['container']}-on-mesh",
        network=mesh,
        container=a["container"],
        aliases=[a["alias"]],
        connection=hosts[a["host"]].connection,
    )
    for a in config.get_object("attach") or []
]
# `docker service update --network-add`, on the first manager (the overlay's engine); destroy
# takes the overlay off the service again. Never on a service this stack declares itself.
services = [
    dn.ServiceAttachment(
        f"{s['service']}-on-mesh",
        network=mesh,
        service=s["service"],
        aliases=[s["alias"]],
    )
    for s in config.get_object("services") or []
]

pulumi.export("clusterId", cluster.cluster_id)
pulumi.export("managerAddress", cluster.manager_address)
pulumi.export("workerToken", cluster.worker_token)
pulumi.export("nodes", cluster.nodes.apply(lambda nodes: pulumi.Output.all(*[n.hostname for n in nodes])))
pulumi.export("meshName", mesh.name)
pulumi.export("addresses", [a.ipv4_address for a in attachments])
pulumi.export("meshVerification", mesh.verification)
pulumi.export("services", [{"service": s.service_name, "virtualIp": s.virtual_ip} for s in services])
# What every host's engine shows once the containers are attached (the data the topology picture,
# `npx pulumi-docker-networking topology`, draws): the containers each host has on the overlay.
topology = dn.get_topology_output(
    connections=[h.connection for h in hosts],
    opts=pulumi.InvokeOutputOptions(depends_on=attachments),
)
pulumi.export(
    "meshMembers",
    # The ssh key only reaches the engines; what they report holds no secret.
    pulumi.Output.unsecret(
        # Applied in turn, not by Output.all, which would make the typed results plain dicts.
        mesh.name.apply(
            lambda mesh_name: topology.hosts.apply(
                lambda hosts: {
                    h.hostname: sorted(
                        c.name for c in h.containers if any(e.network == mesh_name for e in c.endpoints)
                    )
                    for h in hosts
                }
            )
        )
    ),
)
# `docker node ls` on the first manager, once the swarm is built: the cluster's ID orders the
# lookup after it (depends_on a component does not reach the nodes it makes in the plugin).
first_host = config.require_object("hosts")[0]["host"]
swarm = dn.get_swarm_output(connection=cluster.cluster_id.apply(lambda _: {"host": first_host}))
pulumi.export("swarmNodes", swarm.nodes.apply(lambda nodes: sorted(n.hostname for n in nodes)))
