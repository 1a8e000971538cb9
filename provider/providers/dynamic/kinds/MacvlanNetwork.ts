/** The serialized provider of MacvlanNetwork (see ../shim.ts): this module's export is the provider object. */
import { methodsOf } from "../shim";

export = methodsOf("MacvlanNetwork");
