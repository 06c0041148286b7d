package io.raidvm.controller.access;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.raidvm.common.grpc.UnixPeer;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Who makes a call, from its transport. */
@FunctionalInterface
public interface Callers {

  Caller of(ServerCall<?, ?> call, Metadata headers);

  /**
   * A TLS client by its certificate ({@code roles}), a Unix socket client by its user
   * ({@code socket}); a call on any other transport has no role.
   */
  static Callers ofTransport(RolesFile roles, SocketRoles socket) {
    return (call, headers) -> {
      SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      if (tls != null) {
        return roles.callerOf(certificateNames(tls));
      }
      Optional<UnixPeer> peer = UnixPeer.of(call);
      if (peer.isPresent()) {
        return socket.callerOf(peer.get().uid(), peer.get().gid());
      }
      return Caller.withoutRole("a caller of unknown transport");
    };
  }

  /** "CN=…" of the client certificate's subject, then its "DNS:…" and "URI:…" SANs. */
  private static List<String> certificateNames(SSLSession tls) {
    List<String> names = new ArrayList<>();
    try {
      if (!(tls.getPeerCertificates()[0] instanceof X509Certificate cert)) {
        return names;
      }
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          names.add(0, "CN=" + rdn.getValue());
        }
      }
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          int type = (Integer) san.get(0);
          if (type == 2) {
            names.add("DNS:" + san.get(1));
          } else if (type == 6) {
            names.add("URI:" + san.get(1));
          }
        }
      }
    } catch (SSLPeerUnverifiedException | InvalidNameException
        | CertificateParsingException e) {
      return names;
    }
    return names;
  }
}
