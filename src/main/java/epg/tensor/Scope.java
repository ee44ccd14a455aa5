// Native memory ownership (docs/libtorch-from-java.md, trap 2): one scope per step frees its temporaries.
package epg.tensor;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;


/**
 * A scope that owns every native object created while it is open and frees them when closed.
 * Wrap each training or sampling step in one; move what must outlive it out with {@link #keep}.
 */
public final class Scope implements AutoCloseable {
    private final PointerScope scope = new PointerScope();

    public static Scope open() { return new Scope(); }

    /**
     * Lets {@code p} outlive the open scopes: it is then freed when garbage-collected. (PointerScope.detach would free
     * it at once.) Never keep the result of an in-place op ({@code add_}, {@code requires_grad_}): it is a non-owning
     * alias of its receiver.
     */
    public static <P extends Pointer> P keep(P p) {
        if (PointerScope.getInnerScope() != null) p.retainReference();
        return p;
    }

    /**
     * Runs {@code body} in a scope of its own and frees everything it allocated except its result, which joins the
     * enclosing scope (or, with none open, is kept like {@link #keep}). For no-grad passes inside a step: their
     * activations go at once instead of at the end of the step.
     */
    public static <P extends Pointer> P nested(java.util.function.Supplier<P> body) {
        PointerScope outer = PointerScope.getInnerScope();
        try (PointerScope inner = new PointerScope()) {
            P p = body.get();
            if (outer != null) outer.attach(p); else p.retainReference();
            return p;
        }
    }

    @Override
    public void close() { scope.close(); }
}
