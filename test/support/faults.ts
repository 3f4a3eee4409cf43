/** What the runtime throws for an object that is overloaded or whose connection dropped. */
export const OVERLOADED = "Durable Object is overloaded. Too many requests queued.";
export const CONNECTION_LOST = "Network connection lost.";

/**
 * A Durable Object namespace whose stubs reject: every method, or only those named in `methods`
 * (the others reach the real object). Passed to `harness({ vars })` in place of a binding, it is
 * what the request path sees while an object is overloaded or restarting.
 */
export function failingNamespace<T extends object>(
  real: T,
  message: string,
  methods?: readonly string[],
): T {
  // `then` must stay undefined (a thenable stub would be awaited), and `id` / `name` are data.
  const fails = (name: PropertyKey) =>
    typeof name === "string" &&
    (methods === undefined ? !["then", "id", "name"].includes(name) : methods.includes(name));
  // The binding's own type is too deep to instantiate here; only `get` and the stubs matter.
  const namespace = real as unknown as DurableObjectNamespace;
  return new Proxy(real, {
    get(target, property) {
      if (property === "get") {
        return (id: DurableObjectId) => {
          const stub = namespace.get(id) as unknown as Record<PropertyKey, unknown>;
          return new Proxy(stub, {
            get(inner, name) {
              if (fails(name)) return () => Promise.reject(new Error(message));
              const value = Reflect.get(inner, name);
              return typeof value === "function"
                ? (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(inner, args)
                : value;
            },
          });
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
