/*
 * Signal dispositions for the container client. A shell starts background jobs with SIGINT and SIGQUIT
 * ignored, and nohup ignores SIGHUP; the JVM then refuses to install a handler for them, so the client
 * would never forward them. The real claude handles SIGINT, SIGTERM and SIGHUP whatever it inherited,
 * so the client takes an inherited "ignore" back before it installs its own handler.
 */
#include <jni.h>
#include <errno.h>
#include <signal.h>
#include <string.h>

/* Stands in between the inherited SIG_IGN and the JVM's handler: a signal in that moment is dropped, as it was before. */
static void dropped(int sig) {
    (void) sig;
}

/* Returns 1 when the signal was ignored and no longer is, 0 when it was not ignored, or -errno. */
JNIEXPORT jint JNICALL
Java_dev_claudebridge_client_SignalForwarder_unignore0(JNIEnv *env, jclass cls, jint sig) {
    (void) env;
    (void) cls;
    struct sigaction old;
    if (sigaction(sig, NULL, &old) < 0) {
        return -errno;
    }
    if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_IGN) {
        return 0;
    }
    struct sigaction act;
    memset(&act, 0, sizeof act);
    act.sa_handler = dropped;
    sigemptyset(&act.sa_mask);
    act.sa_flags = SA_RESTART;
    return sigaction(sig, &act, NULL) < 0 ? -errno : 1;
}
