"""Test hardware: the virtual strap and a bleak backend reaching it over bumble's virtual link."""
