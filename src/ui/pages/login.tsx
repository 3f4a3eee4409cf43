import { Layout } from "../layout";

export function LoginPage({ nonce, signupOpen }: { nonce: string; signupOpen: boolean }) {
  return (
    <Layout title="Log in" nonce={nonce} entry="login">
      <main class="auth">
        <a class="brand" href="/">
          Switchboard
        </a>
        <div class="card">
          <h1>Log in</h1>
          <p class="muted">Manage your API keys, webhooks and team.</p>
          <div class="alert alert-error" data-testid="login-error" role="alert" hidden />
          <form data-testid="login-form" method="post" novalidate>
            <label for="login-email">Email</label>
            <input
              id="login-email"
              name="email"
              type="email"
              autocomplete="username"
              required
              data-testid="login-email"
            />
            <label for="login-password">Password</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              data-testid="login-password"
            />
            <div class="actions">
              <button type="submit" class="primary full" data-testid="login-submit">
                Log in
              </button>
            </div>
          </form>
        </div>
        {signupOpen ? (
          <p class="muted">
            New to Switchboard?{" "}
            <a href="/signup" data-testid="signup-link">
              Create an account
            </a>
          </p>
        ) : (
          <p class="muted">Ask an account admin to add you.</p>
        )}
        <noscript>
          <p class="alert alert-error">The dashboard needs JavaScript enabled.</p>
        </noscript>
      </main>
    </Layout>
  );
}
