/*
 * The container client's JNI helper: connect(2) to a Unix-domain stream socket.
 * It exists only for start-up time: the JDK's SocketChannel for AF_UNIX seeds a SecureRandom in a
 * static initialiser, which costs about as much as the rest of the client together.
 * Errors are returned as negative errno values; the Java side turns them into messages.
 */
#include <jni.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

JNIEXPORT jint JNICALL
Java_dev_claudebridge_client_NativeUnixSocket_connect0(JNIEnv *env, jclass cls, jbyteArray path, jobject fdObj) {
    (void) cls;
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    jsize n = (*env)->GetArrayLength(env, path);
    if (n <= 0 || (size_t) n >= sizeof addr.sun_path) {
        return -ENAMETOOLONG;
    }
    (*env)->GetByteArrayRegion(env, path, 0, n, (jbyte *) addr.sun_path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    if (connect(fd, (struct sockaddr *) &addr, sizeof addr) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    jclass fdClass = (*env)->GetObjectClass(env, fdObj);
    jfieldID field = (*env)->GetFieldID(env, fdClass, "fd", "I");
    if (field == NULL) {
        close(fd);
        return -ENOSYS;
    }
    (*env)->SetIntField(env, fdObj, field, fd);
    return fd;
}
