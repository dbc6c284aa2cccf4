package org.kerbscope.cli;

import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;

/** The headless application the product's launcher starts for {@code kerbscope analyze|lab|samples}. */
public final class Application implements IApplication {

    @Override
    public Object start(IApplicationContext context) {
        String[] args = (String[]) context.getArguments().get(IApplicationContext.APPLICATION_ARGS);
        int status = Kerbscope.run(args != null ? args : new String[0]);
        System.out.flush();
        return status;
    }

    @Override
    public void stop() {
        // the command ends by itself
    }
}
