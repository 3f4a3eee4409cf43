import { Layout } from "../layout";

export function SignupPage({ nonce, signupOpen }: { nonce: string; signupOpen: boolean }) {
  return (
    <Layout title="Create an account" nonce={nonce} entry="signup">
      <main class="auth">
        <a class="brand" href="/">
          Switchboard
        </a>
        <div class="card">
          <h1>Create your account</h1>
          {signupOpen ? (
            <>
              <p class="muted">You become the account's first admin.</p>
              <div class="alert alert-error" data-testid="signup-error" role="alert" hidden />
              <form data-testid="signup-form" method="post" novalidate>
                <label for="signup-account">Account name</label>
                <input
                  id="signup-account"
                  name="account_name"
                  autocomplete="organization"
                  required
                  data-testid="signup-account-name"
                />
                <label for="signup-email">Email</label>
                <input
                  id="signup-email"
                  name="email"
                  type="email"
                  autocomplete="email"
                  required
                  data-testid="signup-email"
                />
                <label for="signup-password">
                  Password <span class="hint">(at least 10 characters)</span>
                </label>
                <input
                  id="signup-password"
                  name="password"
                  type="password"
                  autocomplete="new-password"
                  required
                  data-testid="signup-password"
                />
                <div class="actions">
                  <button type="submit" class="primary full" data-testid="signup-submit">
                    Create account
                  </button>
                </div>
              </form>
            </>
          ) : (
            <p class="alert alert-error" data-testid="signup-closed">
              Signup is closed on this deployment. Ask an account admin to add you.
            </p>
          )}
        </div>
        <p class="muted">
          Already have an account?{" "}
          <a href="/login" data-testid="login-link">
            Log in
          </a>
        </p>
      </main>
    </Layout>
  );
}
