/** The serialized provider of OverlayNetwork (see ../shim.ts): this module's export is the provider object. */
import { methodsOf } from "../shim";

export = methodsOf("OverlayNetwork");
