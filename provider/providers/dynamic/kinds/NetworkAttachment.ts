/** The serialized provider of NetworkAttachment (see ../shim.ts): this module's export is the provider object. */
import { methodsOf } from "../shim";

export = methodsOf("NetworkAttachment");
