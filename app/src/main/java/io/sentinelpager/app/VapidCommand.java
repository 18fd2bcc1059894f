package io.sentinelpager.app;

import io.sentinelpager.platform.security.VapidKeys;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code pager vapid}: a new VAPID key pair for Web Push, as the settings that notify and the responder read. The
 * private key goes to standard output only, for a secrets file or the environment; nothing is stored.
 */
@Command(name = "vapid", mixinStandardHelpOptions = true,
        description = "Print a new VAPID key pair for Web Push: settings for notify (both keys) and the responder"
                + " (the public key).")
final class VapidCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        VapidKeys keys = VapidKeys.generate();
        System.err.println("Web Push VAPID key pair. Keep the private key secret; changing the pair means every"
                + " phone has to turn push on again.");
        System.out.println(VapidKeys.PUBLIC_KEY.name() + "=" + keys.publicKeyBase64());
        System.out.println(VapidKeys.PRIVATE_KEY.name() + "=" + keys.privateKeyBase64().reveal());
        return 0;
    }
}
