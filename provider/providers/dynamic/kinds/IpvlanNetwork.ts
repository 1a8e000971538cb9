/** The serialized provider of IpvlanNetwork (see ../shim.ts): this module's export is the provider object. */
import { methodsOf } from "../shim";

export = methodsOf("IpvlanNetwork");
